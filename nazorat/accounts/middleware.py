"""Second factor and per-user language.

* Signatories must use a second factor: after a password (or OneID) login they are sent to set up or
  confirm their TOTP device before any staff page. Anyone else who turned two-step verification on (has
  a confirmed device) is asked for the code the same way.
* After any login the interface switches to the person's preferred language: the login signal leaves a
  note in the session and the response to the login request sets the language cookie. A language the
  visitor picked on this device with the switcher (a cookie that login did not set) is kept instead —
  a second cookie remembers which language login set, to tell the two apart.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

EXEMPT_PREFIXES = ("/static/", "/accounts/", "/i18n/", "/healthz", "/api/", "/admin/logout/", "/favicon", "/oidc/")
LANGUAGE_SESSION_NOTE = "_nazorat_login_language"
LANGUAGE_AUTO_COOKIE = "nazorat_language_auto"  # the language login (or the profile) set, not the switcher


def second_factor_mandatory(user) -> bool:
    """Signatories (role "signatory" in any active membership) must use a second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    from nazorat.orgs.models import Role
    from nazorat.orgs.selectors import StaffScope

    return StaffScope.for_user(user).has_role(Role.SIGNATORY)


def confirmed_totp_device(user):
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return None
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def second_factor_required(user) -> bool:
    """True when this user must pass the second factor: signatories, and anyone with a confirmed device."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_nazorat_2fa_required", None)
    if cached is not None:
        return cached
    required = second_factor_mandatory(user) or confirmed_totp_device(user) is not None
    try:
        user._nazorat_2fa_required = required
    except AttributeError:  # pragma: no cover
        pass
    return required


def second_factor_url(next_url: str) -> str:
    return f"{reverse('accounts:second_factor')}?next={quote(next_url, safe='/')}"


def set_language_cookie(response, language: str) -> None:
    """Switch the interface to the person's preferred language (and remember that it was not picked with
    the switcher)."""
    for name in (settings.LANGUAGE_COOKIE_NAME, LANGUAGE_AUTO_COOKIE):
        response.set_cookie(
            name, language,
            max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )


def apply_login_language(request, response, language: str) -> None:
    languages = dict(settings.LANGUAGES)
    if language not in languages:
        return
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in languages and chosen != language and chosen != request.COOKIES.get(LANGUAGE_AUTO_COOKIE):
        return  # picked on this device with the switcher: the visitor's explicit choice stays
    set_language_cookie(response, language)


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
            and not user.is_verified()
            and second_factor_required(user)
        ):
            return redirect(second_factor_url(request.get_full_path()))
        response = self.get_response(request)
        user = getattr(request, "user", None)  # the view may just have logged someone in
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None and LANGUAGE_SESSION_NOTE in session:
            apply_login_language(request, response, session.pop(LANGUAGE_SESSION_NOTE))
        return response
