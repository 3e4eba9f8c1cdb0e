"""Log in through OneID (or any OpenID Connect provider) with mozilla-django-oidc.

Claims are read in OneID's style (``pin``, ``sur_name``, ``first_name``, ``mid_name``, ``mob_phone_no``) or
the standard one (``pinfl``, ``family_name``, ``given_name``, ``middle_name``, ``phone_number``). An account
is found by its OIDC subject, then by the personal number (PINFL), then by a verified e-mail that is
confirmed here too; a person met for the first time gets a confirmed citizen account. Off unless
``OIDC_ENABLED`` (see docs/accounts.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import services
from .models import User
from .phones import normalise_phone

TRUE_VALUES = {True, "true", "True", "1", 1}


def _text(value) -> str:
    return str(value).strip() if value is not None else ""


def tidy_name(value) -> str:
    """OneID sends names in capitals ("ALIYEV"); store them as people write them ("Aliyev", "G'ulomov")."""
    value = " ".join(_text(value).split())
    if not value or not value.isupper():
        return value

    def word(w: str) -> str:
        return "-".join(part[:1] + part[1:].lower() for part in w.split("-"))

    return " ".join(word(w) for w in value.split(" "))


@dataclass
class OIDCProfile:
    subject: str
    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    pinfl: str = ""
    phone: str | None = None
    phone_verified: bool = False
    email: str = ""
    email_verified: bool = False


def profile_from_claims(claims: dict) -> OIDCProfile:
    """Map OneID-style or standard OIDC claims to the fields of a Nazorat account."""
    subject = _text(claims.get("sub") or claims.get("user_id"))
    pinfl = "".join(ch for ch in _text(claims.get("pin") or claims.get("pinfl")) if ch.isdigit())
    if len(pinfl) != 14:
        pinfl = ""
    oneid_phone = _text(claims.get("mob_phone_no"))
    phone = normalise_phone(oneid_phone or _text(claims.get("phone_number")))
    # OneID checks a mobile number by SMS when a person registers; standard providers say so explicitly.
    phone_verified = bool(phone) and (bool(oneid_phone) or claims.get("phone_number_verified") in TRUE_VALUES)
    email = services.normalise_email(_text(claims.get("email")))
    return OIDCProfile(
        subject=subject,
        last_name=tidy_name(claims.get("sur_name") or claims.get("family_name")),
        first_name=tidy_name(claims.get("first_name") or claims.get("given_name")),
        patronymic=tidy_name(claims.get("mid_name") or claims.get("middle_name")),
        pinfl=pinfl,
        phone=phone,
        phone_verified=phone_verified,
        email=email,
        email_verified=bool(email) and claims.get("email_verified") in TRUE_VALUES,
    )


def match_user(profile: OIDCProfile) -> User | None:
    """The account this person already has: by subject, then PINFL, then verified and confirmed e-mail.
    An account bound to another subject is never taken over."""
    if not profile.subject:
        raise SuspiciousOperation("OIDC claims carry no subject")
    user = User.objects.filter(oidc_subject=profile.subject).first()
    if user is not None:
        return user
    candidates: list[User] = []
    if profile.pinfl:
        candidates = list(User.objects.filter(pinfl=profile.pinfl)[:2])
        if len(candidates) > 1:
            raise SuspiciousOperation("several accounts share this personal number")
    if not candidates and profile.email and profile.email_verified:
        candidates = list(User.objects.filter(email__iexact=profile.email, email_confirmed=True)[:2])
    if not candidates:
        return None
    user = candidates[0]
    if user.oidc_subject and user.oidc_subject != profile.subject:
        raise SuspiciousOperation("the matching account is bound to another OIDC subject")
    return user


def user_from_claims(claims: dict, *, create: bool = True) -> User | None:
    """Find (and refresh) or create the account for these claims."""
    profile = profile_from_claims(claims)
    user = match_user(profile)
    if user is not None:
        return services.oidc_account_update(user=user, profile=profile)
    if not create:
        return None
    return services.oidc_account_create(profile=profile)


class OneIDBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc backend with Nazorat's claim mapping and account matching."""

    def verify_claims(self, claims):
        return bool(profile_from_claims(claims).subject)

    def filter_users_by_claims(self, claims):
        user = match_user(profile_from_claims(claims))
        return User.objects.filter(pk=user.pk) if user is not None else User.objects.none()

    def create_user(self, claims):
        return services.oidc_account_create(profile=profile_from_claims(claims))

    def update_user(self, user, claims):
        return services.oidc_account_update(user=user, profile=profile_from_claims(claims))

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload) or {}
        payload = payload or {}
        if payload.get("sub") and userinfo.get("sub") and payload["sub"] != userinfo["sub"]:
            raise SuspiciousOperation("the userinfo subject differs from the ID token's")
        claims = {**payload, **userinfo}
        if not self.verify_claims(claims):
            raise SuspiciousOperation("Claims verification failed")
        return user_from_claims(claims, create=self.get_settings("OIDC_CREATE_USER", True))
