"""Every write to accounts: registration, confirmation of e-mail and phone, profile and contact changes,
passwords, second-factor devices and accounts made through OneID. Each writes an event.

E-mails about the account (confirmation link) are sent at once with Django's ``send_mail`` in the
person's language; SMS codes go through the notification outbox and the worker delivers them.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nazorat.core.events import record

from . import events
from .models import AccountKind, ConfirmationCode, User
from .phones import normalise_phone

log = logging.getLogger("nazorat.accounts")

EMAIL_LINK_SALT = "nazorat.accounts.confirm_email"
EMAIL_LINK_MAX_AGE = timedelta(days=3)
PHONE_CODE_TTL = timedelta(minutes=15)
PHONE_CODE_MAX_ATTEMPTS = 5
RESEND_INTERVAL_SECONDS = 60
RESEND_PER_HOUR = 5
UNCONFIRMED_HOLD = EMAIL_LINK_MAX_AGE  # an unconfirmed contact blocks others for this long


def language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


# --- helpers -------------------------------------------------------------------------------------

def generate_username(prefix: str = "c") -> str:
    """A login name nobody has to remember (citizens log in with e-mail or phone): "c" + 9 digits."""
    for _attempt in range(50):
        candidate = prefix + "".join(secrets.choice("0123456789") for _i in range(9))
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate
    raise RuntimeError("could not generate a free username")  # pragma: no cover


def normalise_email(value: str | None) -> str:
    value = (value or "").strip()
    return BaseUserManager.normalize_email(value) if value else ""


def is_awaiting_confirmation(user: User) -> bool:
    """A registered account that has never been confirmed (and so never used)."""
    return (
        not user.is_active
        and user.last_login is None
        and not user.email_confirmed
        and not user.phone_confirmed
        and user.kind != AccountKind.STAFF
    )


def email_holder(email: str, *, exclude: User | None = None) -> User | None:
    qs = User.objects.filter(email__iexact=email)
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    return qs.first()


def phone_holder(phone: str, *, exclude: User | None = None) -> User | None:
    qs = User.objects.filter(phone=phone)
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    return qs.first()


def _is_stale_unconfirmed(holder: User, field: str, *, verified_claim: bool) -> bool:
    """May this holder's unconfirmed e-mail or phone be given to someone else? Staff data is managed by
    administrators and never released. A confirmed owner (link clicked, code typed, OneID) always wins
    over an unconfirmed claim; a new registration wins only once the claim is older than the link."""
    if holder.kind == AccountKind.STAFF:
        return False
    if getattr(holder, f"{field}_confirmed"):
        return False
    return verified_claim or holder.date_joined < timezone.now() - UNCONFIRMED_HOLD


def _release(holder: User, field: str, *, actor=None) -> None:
    value = getattr(holder, field)
    setattr(holder, field, None)
    setattr(holder, f"{field}_confirmed", False)
    holder.save(update_fields=[field, f"{field}_confirmed"])
    record(action=events.CONTACT_RELEASED, actor=actor, obj=holder, payload={field: value})


def _check_email_free(email: str, *, user: User | None = None, verified_claim: bool = False,
                      field: str = "email") -> None:
    """Raise a field error when another account holds this e-mail; release it if it is a stale
    unconfirmed claim."""
    holder = email_holder(email, exclude=user)
    if holder is None:
        return
    if _is_stale_unconfirmed(holder, "email", verified_claim=verified_claim):
        _release(holder, "email")
        return
    if not holder.email_confirmed and holder.kind != AccountKind.STAFF:
        raise ValidationError({field: _(
            "An account with this e-mail is waiting for confirmation. Log in to that account to receive the "
            "confirmation again, or try again in three days.")}, code="pending")
    raise ValidationError({field: _(
        "An account with this e-mail already exists. Log in, or reset the password if you forgot it.")},
        code="taken")


def _check_phone_free(phone: str, *, user: User | None = None, verified_claim: bool = False,
                      field: str = "phone") -> None:
    holder = phone_holder(phone, exclude=user)
    if holder is None:
        return
    if _is_stale_unconfirmed(holder, "phone", verified_claim=verified_claim):
        _release(holder, "phone")
        return
    if not holder.phone_confirmed and holder.kind != AccountKind.STAFF:
        raise ValidationError({field: _(
            "An account with this phone number is waiting for confirmation. Log in to that account to receive "
            "the code again, or try again in three days.")}, code="pending")
    raise ValidationError({field: _("An account with this phone number already exists. Log in instead.")},
                          code="taken")


@dataclass
class Throttled(Exception):
    seconds: int

    def message(self) -> str:
        minutes = max(1, -(-self.seconds // 60))
        if self.seconds < 60:
            return ngettext("Please wait %(n)d second before asking again.",
                            "Please wait %(n)d seconds before asking again.", self.seconds) % {"n": self.seconds}
        return ngettext("Please wait %(n)d minute before asking again.",
                        "Please wait %(n)d minutes before asking again.", minutes) % {"n": minutes}

    def as_validation_error(self) -> ValidationError:
        return ValidationError(self.message(), code="throttled")


def throttle(key: str) -> None:
    """At most one message a minute and five an hour per person and channel (shared cache)."""
    now = time.time()
    cache_key = f"nazorat:confirm-throttle:{key}"
    stamps = [t for t in (cache.get(cache_key) or []) if t > now - 3600]
    if stamps and now - stamps[-1] < RESEND_INTERVAL_SECONDS:
        raise Throttled(int(RESEND_INTERVAL_SECONDS - (now - stamps[-1])) + 1)
    if len(stamps) >= RESEND_PER_HOUR:
        raise Throttled(int(stamps[0] + 3600 - now) + 1)
    stamps.append(now)
    cache.set(cache_key, stamps, timeout=3600)


def _base_url(base_url: str | None) -> str:
    return (base_url or settings.NAZORAT_SITE_URL).rstrip("/")


# --- registration --------------------------------------------------------------------------------

def account_register(
    *,
    kind: str,
    password: str,
    email: str | None = None,
    phone: str | None = None,
    last_name: str = "",
    first_name: str = "",
    patronymic: str = "",
    organisation_name: str = "",
    tin: str = "",
    preferred_language: str = "uz",
    base_url: str | None = None,
) -> User:
    """Register a citizen or a company. The account stays inactive until its e-mail (signed link) or
    phone (SMS code) is confirmed; both messages are sent here."""
    from django.contrib.auth.password_validation import validate_password

    errors: dict[str, list] = {}
    if kind not in (AccountKind.INDIVIDUAL, AccountKind.LEGAL_ENTITY):
        errors["kind"] = [_("Choose whether you register as a person or as a company.")]
    email = normalise_email(email)
    canonical_phone = None
    if phone:
        canonical_phone = normalise_phone(phone)
        if canonical_phone is None:
            errors["phone"] = [_("Enter a phone number like +998 90 123 45 67.")]
    if not email and not phone:
        errors["email"] = [_("Give an e-mail address or a phone number (or both), so we can confirm the account.")]
    if kind == AccountKind.INDIVIDUAL:
        if not last_name.strip():
            errors["last_name"] = [_("Enter your last name.")]
        if not first_name.strip():
            errors["first_name"] = [_("Enter your first name.")]
    elif kind == AccountKind.LEGAL_ENTITY:
        if not organisation_name.strip():
            errors["organisation_name"] = [_("Enter the name of the company or organisation.")]
        if not (tin.isdigit() and len(tin) == 9):
            errors["tin"] = [_("The taxpayer number (STIR) has 9 digits.")]
    if preferred_language not in language_codes():
        preferred_language = settings.LANGUAGE_CODE
    user = User(
        kind=kind, email=email or None, phone=canonical_phone, last_name=last_name.strip(),
        first_name=first_name.strip(), patronymic=patronymic.strip(),
        organisation_name=organisation_name.strip() if kind == AccountKind.LEGAL_ENTITY else "",
        tin=tin if kind == AccountKind.LEGAL_ENTITY else "", preferred_language=preferred_language,
        is_active=False,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password1"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            if email:
                _check_email_free(email)
            if canonical_phone:
                _check_phone_free(canonical_phone)
            user.username = generate_username("c" if kind == AccountKind.INDIVIDUAL else "e")
            user.set_password(password)
            user.save()
            record(action=events.REGISTERED, actor=None, obj=user,
                   payload={"kind": kind, "username": user.username, "email": bool(email),
                            "phone": bool(canonical_phone), "language": preferred_language})
    except IntegrityError as exc:  # a concurrent registration took the same contact
        raise ValidationError(_("This e-mail or phone number was registered a moment ago. Log in instead."),
                              code="taken") from exc

    if user.email:
        try:
            email_confirmation_send(user=user, base_url=base_url)
        except Throttled:  # pragma: no cover - a brand-new account has sent nothing yet
            pass
    if user.phone:
        try:
            phone_code_send(user=user)
        except Throttled:  # pragma: no cover
            pass
    return user


# --- e-mail confirmation (signed, time-limited link) --------------------------------------------

def email_confirmation_token(*, user: User, email: str) -> str:
    """A signed token naming the account, the address to confirm and the address the account had when
    the link was made — so a link dies when the e-mail changes again in between."""
    signer = signing.TimestampSigner(salt=EMAIL_LINK_SALT)
    return signer.sign_object({"u": user.pk, "e": email, "o": user.email or ""}, compress=True)


def email_confirmation_send(*, user: User, email: str | None = None, base_url: str | None = None) -> bool:
    """E-mail a confirmation link for ``email`` (default: the account's own address) in the person's
    language. Throttled; returns False if the mail server refused the message."""
    email = normalise_email(email or user.email)
    if not email:
        raise ValidationError(_("This account has no e-mail address."))
    throttle(f"email:{user.pk}")
    token = email_confirmation_token(user=user, email=email)
    url = _base_url(base_url) + reverse("accounts:confirm_email", args=[token])
    context = {"user": user, "url": url, "email": email, "days": EMAIL_LINK_MAX_AGE.days,
               "is_new_account": is_awaiting_confirmation(user)}
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = "".join(render_to_string("accounts/email/confirm_email_subject.txt", context).splitlines())
        body = render_to_string("accounts/email/confirm_email.txt", context)
    try:
        send_mail(subject, body, None, [email])
    except Exception:  # noqa: BLE001 - the mail server is down: the person can ask again
        log.exception("could not send the confirmation e-mail to user %s", user.pk)
        return False
    record(action=events.EMAIL_CONFIRMATION_SENT, actor=user if user.is_active else None, obj=user,
           payload={"email": email})
    return True


@dataclass
class EmailLink:
    user: User
    email: str


def email_link_check(token: str) -> EmailLink:
    """Read a confirmation link without using it. Raises ValidationError (code "expired" or "invalid")."""
    signer = signing.TimestampSigner(salt=EMAIL_LINK_SALT)
    try:
        data = signer.unsign_object(token, max_age=EMAIL_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(_("This confirmation link has expired. Ask for a new one."), code="expired") from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise ValidationError(_("This confirmation link is not valid. Check that you copied it whole."),
                              code="invalid") from exc
    try:
        user = User.objects.get(pk=data["u"])
    except (User.DoesNotExist, KeyError, TypeError, ValueError) as exc:
        raise ValidationError(_("This confirmation link is not valid."), code="invalid") from exc
    email, original = data.get("e") or "", data.get("o") or ""
    current = (user.email or "").lower()
    if current == email.lower() and user.email_confirmed:
        raise ValidationError(_("This e-mail address is already confirmed."), code="already")
    if current != original.lower():
        raise ValidationError(_("This link is no longer valid: the account's e-mail changed since it was sent."),
                              code="invalid")
    if not user.is_active and not is_awaiting_confirmation(user):
        raise ValidationError(_("This account is blocked. Contact the administration."), code="inactive")
    return EmailLink(user=user, email=email)


@dataclass
class Confirmation:
    user: User
    activated: bool  # the account was waiting for its first confirmation and is now open


def email_confirm(*, token: str) -> Confirmation:
    """Use a confirmation link: confirm (or change to) the e-mail it names; open a new account."""
    link = email_link_check(token)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=link.user.pk)
        link = email_link_check(token)  # again, under the lock
        user = link.user
        activated = is_awaiting_confirmation(user)
        previous = user.email
        if (user.email or "").lower() != link.email.lower():
            _check_email_free(link.email, user=user, verified_claim=True)
            user.email = link.email
        user.email_confirmed = True
        if activated:
            user.is_active = True
        user.save(update_fields=["email", "email_confirmed", "is_active"])
        record(action=events.EMAIL_CONFIRMED, actor=user, obj=user,
               payload={"email": user.email, "previous": previous if previous != user.email else None})
        if activated:
            record(action=events.ACTIVATED, actor=user, obj=user, payload={"by": "email"})
    return Confirmation(user=user, activated=activated)


# --- phone confirmation (SMS code) ---------------------------------------------------------------

def _code_hash(user_id: int, phone: str, code: str) -> str:
    return salted_hmac("nazorat.accounts.phone_code", f"{user_id}:{phone}:{code}", algorithm="sha256").hexdigest()


def pending_phone_code(user: User) -> ConfirmationCode | None:
    """The code the person should type now (unused, unexpired, attempts left), if any."""
    code = user.confirmation_codes.filter(used_at__isnull=True).order_by("-created_at", "-id").first()
    if code is None or code.expires_at <= timezone.now() or code.attempts >= PHONE_CODE_MAX_ATTEMPTS:
        return None
    return code


def phone_code_send(*, user: User, phone: str | None = None) -> ConfirmationCode:
    """Send a 6-digit code by SMS to ``phone`` (default: the account's phone). Older codes stop working.
    Only a keyed hash of the code is stored in ConfirmationCode."""
    phone = normalise_phone(phone or user.phone or "")
    if not phone:
        raise ValidationError(_("Enter a phone number like +998 90 123 45 67."))
    throttle(f"phone:{user.pk}")
    from nazorat.notifications.services import notify

    code = f"{secrets.randbelow(10 ** 6):06d}"
    now = timezone.now()
    lang = user.preferred_language or settings.LANGUAGE_CODE
    with transaction.atomic():
        user.confirmation_codes.filter(used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        obj = ConfirmationCode.objects.create(user=user, phone=phone, code_hash=_code_hash(user.pk, phone, code),
                                              expires_at=now + PHONE_CODE_TTL)
        with translation.override(lang):
            subject = _("Nazorat code: %(code)s") % {"code": code}
            body = _("It confirms your phone number and is valid for %(minutes)d minutes. Do not tell it to "
                     "anyone.") % {"minutes": int(PHONE_CODE_TTL.total_seconds() // 60)}
        notify(key=f"accounts.phone_code:{obj.pk}", channel="sms", address=phone, subject=subject, body=body,
               recipient=user, language=lang)
        record(action=events.PHONE_CODE_SENT, actor=user if user.is_active else None, obj=user,
               payload={"phone": phone})
    return obj


def phone_confirm(*, user: User, code: str) -> Confirmation:
    """Check a typed SMS code. A wrong code uses up one of five attempts (kept even though the call
    fails); the right one confirms the phone it was sent to and opens a new account."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    error: ValidationError | None = None
    activated = False
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        pending = (user.confirmation_codes.select_for_update().filter(used_at__isnull=True)
                   .order_by("-created_at", "-id").first())
        now = timezone.now()
        if pending is None or pending.expires_at <= now:
            error = ValidationError(_("This code has expired. Ask for a new one."), code="expired")
        elif pending.attempts >= PHONE_CODE_MAX_ATTEMPTS:
            error = ValidationError(_("Too many wrong codes. Ask for a new one."), code="attempts")
        elif not constant_time_compare(pending.code_hash, _code_hash(user.pk, pending.phone, code)):
            pending.attempts += 1
            pending.save(update_fields=["attempts"])
            left = PHONE_CODE_MAX_ATTEMPTS - pending.attempts
            record(action=events.PHONE_CODE_FAILED, actor=user if user.is_active else None, obj=user,
                   payload={"phone": pending.phone, "attempts": pending.attempts})
            if left:
                error = ValidationError(ngettext("The code is not right. %(n)d attempt left.",
                                                 "The code is not right. %(n)d attempts left.", left) % {"n": left},
                                        code="wrong")
            else:
                error = ValidationError(_("The code is not right. Too many wrong codes: ask for a new one."),
                                        code="attempts")
        elif not user.is_active and not is_awaiting_confirmation(user):
            error = ValidationError(_("This account is blocked. Contact the administration."), code="inactive")
        else:
            activated = is_awaiting_confirmation(user)
            pending.used_at = now
            pending.save(update_fields=["used_at"])
            previous = user.phone
            if user.phone != pending.phone:
                _check_phone_free(pending.phone, user=user, verified_claim=True, field="code")
                user.phone = pending.phone
            user.phone_confirmed = True
            if activated:
                user.is_active = True
            user.save(update_fields=["phone", "phone_confirmed", "is_active"])
            record(action=events.PHONE_CONFIRMED, actor=user, obj=user,
                   payload={"phone": user.phone, "previous": previous if previous != user.phone else None})
            if activated:
                record(action=events.ACTIVATED, actor=user, obj=user, payload={"by": "phone"})
    if error is not None:
        raise error
    return Confirmation(user=user, activated=activated)


# --- profile -------------------------------------------------------------------------------------

PROFILE_FIELDS = {
    AccountKind.STAFF: ("preferred_language",),
    AccountKind.INDIVIDUAL: ("last_name", "first_name", "patronymic", "address", "preferred_language"),
    AccountKind.LEGAL_ENTITY: ("organisation_name", "tin", "last_name", "first_name", "patronymic", "address",
                               "preferred_language"),
}


def profile_update(*, actor: User, user: User, **values) -> list[str]:
    """Change what a person may change about themselves (staff: only the language — their names come
    from the administration). Returns the names of the fields changed."""
    if actor.pk != user.pk and not actor.is_superuser:
        raise ValidationError(_("You may change only your own profile."))
    allowed = PROFILE_FIELDS.get(user.kind, ("preferred_language",))
    errors = {}
    clean: dict[str, str] = {}
    for name, value in values.items():
        if name not in allowed:
            continue
        clean[name] = (value or "").strip()
    if "preferred_language" in clean and clean["preferred_language"] not in language_codes():
        errors["preferred_language"] = _("Choose one of the offered languages.")
    if user.kind == AccountKind.INDIVIDUAL:
        for name, msg in (("last_name", _("Enter your last name.")), ("first_name", _("Enter your first name."))):
            if name in clean and not clean[name]:
                errors[name] = msg
    if user.kind == AccountKind.LEGAL_ENTITY:
        if "organisation_name" in clean and not clean["organisation_name"]:
            errors["organisation_name"] = _("Enter the name of the company or organisation.")
        if "tin" in clean and not (clean["tin"].isdigit() and len(clean["tin"]) == 9):
            errors["tin"] = _("The taxpayer number (STIR) has 9 digits.")
    if errors:
        raise ValidationError(errors)
    changes = {name: [getattr(user, name), value] for name, value in clean.items() if getattr(user, name) != value}
    if not changes:
        return []
    with transaction.atomic():
        for name, (_old, new) in changes.items():
            setattr(user, name, new)
        user.save(update_fields=list(changes))
        record(action=events.PROFILE_CHANGED, actor=actor, obj=user, payload={"changes": changes})
    return list(changes)


@dataclass
class ContactChange:
    email_sent_to: str | None = None
    phone_code_sent_to: str | None = None
    removed: tuple[str, ...] = ()


def contact_change(*, actor: User, user: User, email: str | None, phone: str | None,
                   base_url: str | None = None) -> ContactChange:
    """Ask to change the contact e-mail and phone. A new address is confirmed first (a link to the new
    e-mail, a code to the new phone) and replaces the old one only then; an emptied field is removed at
    once, as long as a confirmed way to reach the person remains."""
    if actor.pk != user.pk:
        raise ValidationError(_("You may change only your own contacts."))
    new_email = normalise_email(email)
    new_phone = None
    errors = {}
    if phone:
        new_phone = normalise_phone(phone)
        if new_phone is None:
            errors["phone"] = _("Enter a phone number like +998 90 123 45 67.")
    if errors:
        raise ValidationError(errors)
    email_changed = new_email.lower() != (user.email or "").lower()
    phone_changed = (new_phone or None) != (user.phone or None)
    if not email_changed and not phone_changed:
        return ContactChange()

    remaining_email = user.email_confirmed and not (email_changed and not new_email)
    remaining_phone = user.phone_confirmed and not (phone_changed and not new_phone)
    if user.kind != AccountKind.STAFF and not new_email and not new_phone:
        raise ValidationError({"email": _("Keep an e-mail address or a phone number.")})
    if user.kind != AccountKind.STAFF and not (remaining_email or remaining_phone):
        raise ValidationError({"email": _(
            "Keep at least one confirmed e-mail or phone until the new one is confirmed.")})
    if email_changed and new_email:
        _check_email_free(new_email, user=user)
    if phone_changed and new_phone:
        _check_phone_free(new_phone, user=user)

    result = ContactChange()
    removed = []
    with transaction.atomic():
        if email_changed and not new_email:
            record(action=events.CONTACT_REMOVED, actor=actor, obj=user, payload={"email": user.email})
            user.email, user.email_confirmed = None, False
            user.save(update_fields=["email", "email_confirmed"])
            removed.append("email")
        if phone_changed and not new_phone:
            record(action=events.CONTACT_REMOVED, actor=actor, obj=user, payload={"phone": user.phone})
            user.phone, user.phone_confirmed = None, False
            user.save(update_fields=["phone", "phone_confirmed"])
            removed.append("phone")
    result.removed = tuple(removed)
    try:
        if email_changed and new_email:
            if email_confirmation_send(user=user, email=new_email, base_url=base_url):
                result.email_sent_to = new_email
        if phone_changed and new_phone:
            phone_code_send(user=user, phone=new_phone)
            result.phone_code_sent_to = new_phone
    except Throttled as exc:
        raise exc.as_validation_error() from exc
    return result


# --- passwords -----------------------------------------------------------------------------------

def password_set(*, actor: User | None, user: User, password: str, reason: str = "change") -> User:
    """Store a new password (already validated by the form). ``reason``: "change" or "reset"."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(action=events.PASSWORD_RESET if reason == "reset" else events.PASSWORD_CHANGED,
               actor=actor, obj=user, payload={"reason": reason})
    return user


def password_reset_requested(*, user: User) -> None:
    record(action=events.PASSWORD_RESET_REQUESTED, actor=None, obj=user, payload={"email": user.email})


# --- second factor (TOTP) ------------------------------------------------------------------------

def totp_device_for_setup(*, user: User):
    """The person's unconfirmed authenticator (made once, so the QR code stays the same on reload)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=str(_("Authenticator app"))[:64], confirmed=False)
    return device


def _token_ok(device, token: str) -> None:
    allowed, info = device.verify_is_allowed()
    if not allowed:
        wait = ""
        locked_until = (info or {}).get("locked_until")
        if locked_until:
            seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
            wait = " " + ngettext("Try again in %(n)d second.", "Try again in %(n)d seconds.", seconds) % {"n": seconds}
        raise ValidationError(_("Too many wrong codes.") + wait, code="throttled")
    token = "".join(ch for ch in (token or "") if ch.isdigit())
    if not device.verify_token(token):
        raise ValidationError(_("This code is not right. Enter the 6 digits your app shows now."), code="wrong")


def totp_confirm(*, user: User, device, token: str) -> None:
    """Turn two-step verification on: the first right code confirms the new device."""
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError(_("This authenticator cannot be confirmed."))
    _token_ok(device, token)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
        record(action=events.TOTP_ADDED, actor=user, obj=user, payload={"device": device.name})
    user._nazorat_2fa_required = True


def second_factor_verify(*, user: User, device, token: str) -> None:
    """Check the code at login. Wrong codes slow further tries down (django-otp's throttling)."""
    try:
        _token_ok(device, token)
    except ValidationError:
        record(action=events.SECOND_FACTOR_FAILED, actor=user, obj=user, payload={"device": device.name})
        raise
    record(action=events.SECOND_FACTOR_PASSED, actor=user, obj=user, payload={"device": device.name})


def totp_remove(*, actor: User, user: User, password: str | None = None, via: str = "profile") -> int:
    """Turn two-step verification off. A person does it with their password and only when their roles
    do not require it (signatories cannot); an administrator (``via="administration"``) may always, for
    someone who lost their phone."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .middleware import second_factor_mandatory

    if via == "profile":
        if actor.pk != user.pk:
            raise ValidationError(_("You may change only your own account."))
        if second_factor_mandatory(user):
            raise ValidationError(_("Signatories must use two-step verification; it cannot be turned off."),
                                  code="mandatory")
        if not password or not user.check_password(password):
            raise ValidationError({"password": _("The password is not right.")}, code="password")
    count = 0
    with transaction.atomic():
        for device in TOTPDevice.objects.filter(user=user):
            device._nazorat_actor = actor
            device._nazorat_via = via
            device.delete()
            count += 1
    user._nazorat_2fa_required = None
    return count


# --- OneID / OpenID Connect ----------------------------------------------------------------------

def oidc_account_create(*, profile) -> User:
    """A citizen's first login through OneID: a confirmed individual account from the verified claims."""
    with transaction.atomic():
        email = profile.email if profile.email_verified else ""
        phone = profile.phone or None
        if email:
            holder = email_holder(email)
            if holder is not None:
                if _is_stale_unconfirmed(holder, "email", verified_claim=True):
                    _release(holder, "email")
                else:
                    email = ""
        if phone:
            holder = phone_holder(phone)
            if holder is not None:
                if profile.phone_verified and _is_stale_unconfirmed(holder, "phone", verified_claim=True):
                    _release(holder, "phone")
                else:
                    phone = None
        language = translation.get_language() or settings.LANGUAGE_CODE
        user = User(
            username=generate_username("c"), kind=AccountKind.INDIVIDUAL, oidc_subject=profile.subject,
            last_name=profile.last_name, first_name=profile.first_name, patronymic=profile.patronymic,
            pinfl=profile.pinfl, email=email or None, email_confirmed=bool(email), phone=phone,
            phone_confirmed=bool(phone) and profile.phone_verified, is_active=True,
            preferred_language=language if language in language_codes() else settings.LANGUAGE_CODE,
        )
        user.set_unusable_password()
        user.save()
        record(action=events.OIDC_CREATED, actor=user, obj=user,
               payload={"subject": profile.subject, "username": user.username, "pinfl": bool(profile.pinfl)})
    return user


def oidc_account_update(*, user: User, profile) -> User:
    """Link an existing account to its OneID subject and refresh it from the verified claims. Names of
    citizens follow the identity provider; staff names (kept by administrators) are only filled in when
    empty."""
    with transaction.atomic():
        changes: dict[str, list] = {}

        def put(name, value):
            if value != getattr(user, name):
                changes[name] = [getattr(user, name), value]
                setattr(user, name, value)

        linked = not user.oidc_subject
        if linked:
            put("oidc_subject", profile.subject)
        if profile.pinfl and not user.pinfl:
            put("pinfl", profile.pinfl)
        for name in ("last_name", "first_name", "patronymic"):
            value = getattr(profile, name)
            if value and (user.kind != AccountKind.STAFF or not getattr(user, name)):
                put(name, value)
        if profile.phone:
            if user.phone == profile.phone:
                if profile.phone_verified and not user.phone_confirmed:
                    put("phone_confirmed", True)
            elif not user.phone and phone_holder(profile.phone, exclude=user) is None:
                put("phone", profile.phone)
                put("phone_confirmed", profile.phone_verified)
        if profile.email and profile.email_verified:
            if (user.email or "").lower() == profile.email.lower():
                if not user.email_confirmed:
                    put("email_confirmed", True)
            elif not user.email and email_holder(profile.email, exclude=user) is None:
                put("email", profile.email)
                put("email_confirmed", True)
        if changes:
            user.save(update_fields=list(changes))
        if linked:
            record(action=events.OIDC_LINKED, actor=user, obj=user, payload={"subject": profile.subject})
        other = {k: v for k, v in changes.items() if k != "oidc_subject"}
        if other:
            record(action=events.PROFILE_CHANGED, actor=user, obj=user, payload={"changes": other, "by": "oidc"})
    return user
