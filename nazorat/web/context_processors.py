from __future__ import annotations

from django.conf import settings


def shell(request):
    """What the base layout needs: languages, the user's staff scope (for the role-based navigation)."""
    from nazorat.orgs.selectors import StaffScope

    user = getattr(request, "user", None)
    scope = StaffScope.for_user(user) if user is not None and user.is_authenticated else None
    return {
        "nazorat_languages": settings.LANGUAGES,
        "staff_scope": scope,
        "oidc_enabled": settings.OIDC_ENABLED,
        "oidc_provider_name": settings.OIDC_PROVIDER_NAME,
    }
