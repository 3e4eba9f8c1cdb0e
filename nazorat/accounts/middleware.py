"""Signatories must use a second factor: after a password login they are sent to set up or confirm
their TOTP device before any staff page."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

EXEMPT_PREFIXES = ("/static/", "/accounts/", "/i18n/", "/healthz", "/api/", "/admin/logout/", "/favicon")


def second_factor_required(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    from nazorat.orgs.models import Role
    from nazorat.orgs.selectors import StaffScope

    return StaffScope.for_user(user).has_role(Role.SIGNATORY)


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        path = request.path_info
        if (
            user is not None
            and user.is_authenticated
            and not path.startswith(EXEMPT_PREFIXES)
            and not getattr(request, "_nazorat_api_token", False)
            and second_factor_required(user)
            and not user.is_verified()
        ):
            return redirect(f"{reverse('accounts:second_factor')}?next={request.get_full_path()}")
        return self.get_response(request)
