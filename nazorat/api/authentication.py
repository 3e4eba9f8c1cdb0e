"""Session authentication for the API that also requires the second factor where the web does."""

from rest_framework.authentication import SessionAuthentication


class VerifiedSessionAuthentication(SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, auth = result
        from nazorat.accounts.middleware import second_factor_required

        django_user = request._request.user
        if second_factor_required(user) and not getattr(django_user, "is_verified", lambda: False)():
            return None
        return result


try:
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class VerifiedSessionScheme(OpenApiAuthenticationExtension):
        target_class = "nazorat.api.authentication.VerifiedSessionAuthentication"
        name = "cookieAuth"

        def get_security_definition(self, auto_schema):
            return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
except ImportError:  # pragma: no cover
    pass
