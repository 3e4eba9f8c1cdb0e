"""Account forms. Each subclasses AccessibleFormMixin (Bootstrap classes, errors tied to fields) and is
rendered with web/includes/form.html. Forms validate input; the writes are the services'."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from nazorat.core.middleware import client_ip
from nazorat.core.events import record
from nazorat.web.forms import AccessibleFormMixin

from . import events, lockout, services
from .models import AccountKind, User
from .phones import normalise_phone


def _code_widget() -> forms.TextInput:
    return forms.TextInput(attrs={
        "autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*", "maxlength": "8",
        "autofocus": True, "class": "form-control-lg font-monospace",
    })


# --- login ---------------------------------------------------------------------------------------

class LoginForm(AccessibleFormMixin, auth_forms.AuthenticationForm):
    """One field for e-mail, phone or login name, and the password. Failures never say which of the two
    was wrong; repeated failures from one address for one identifier are refused for a while."""

    username = forms.CharField(
        label=_("E-mail, phone or login"), max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none",
                                      "spellcheck": "false"}),
    )
    error_messages = {
        "invalid_login": _("The login details are not right. Check them and try again."),
        "inactive": _("This account is blocked. Contact the administration."),
        "locked": _("Too many failed attempts. For your safety, logging in to this account from here is paused "
                    "for %(minutes)d minutes."),
        "unconfirmed": _("This account is not confirmed yet. Open the link we sent to your e-mail or enter the "
                         "code from the SMS."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.pending_user: User | None = None
        self.locked_seconds = 0

    def clean(self):
        identifier = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password")
        if not identifier or not password:
            return self.cleaned_data
        ip = client_ip(self.request) if self.request is not None else None
        self.locked_seconds = lockout.seconds_locked(identifier, ip)
        if self.locked_seconds:
            raise ValidationError(self.error_messages["locked"] % {"minutes": lockout.minutes(self.locked_seconds)},
                                  code="locked")
        try:
            return super().clean()
        except ValidationError as exc:
            if exc.code != "invalid_login":
                raise
            pending = self._pending_account(identifier, password)
            if pending is not None:
                self.pending_user = pending
                raise ValidationError(self.error_messages["unconfirmed"], code="unconfirmed") from exc
            count = lockout.register_failure(identifier, ip)
            if count >= lockout.limit():
                self.locked_seconds = lockout.seconds_locked(identifier, ip)
                if count == lockout.limit():
                    record(action=events.LOGIN_LOCKED, actor=None, obj=None,
                           payload={"identifier": identifier[:150], "failures": count})
                raise ValidationError(
                    self.error_messages["locked"] % {"minutes": lockout.minutes(self.locked_seconds or 60)},
                    code="locked") from exc
            raise

    @staticmethod
    def _pending_account(identifier: str, password: str) -> User | None:
        try:
            user = User.objects.get_by_identifier(identifier)
        except (User.DoesNotExist, User.MultipleObjectsReturned):
            return None
        if services.is_awaiting_confirmation(user) and user.check_password(password):
            return user
        return None

    def get_invalid_login_error(self):
        return ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class AdminLoginForm(LoginForm):
    """The administration's login form: the same identifiers, messages and lockout as the site's, and
    only for accounts with access to the administration."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")


# --- second factor -------------------------------------------------------------------------------

class TokenForm(AccessibleFormMixin, forms.Form):
    token = forms.CharField(
        label=_("6-digit code from the authenticator app"), max_length=8, widget=_code_widget(),
        help_text=_("Open the app (for example Google Authenticator, Microsoft Authenticator or FreeOTP) and type "
                    "the code it shows for Nazorat."),
    )

    def clean_token(self):
        token = "".join(ch for ch in self.cleaned_data["token"] if ch.isdigit())
        if len(token) != 6:
            raise ValidationError(_("The code has 6 digits."))
        return token


class TOTPRemoveForm(AccessibleFormMixin, forms.Form):
    password = forms.CharField(
        label=_("Your password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To turn two-step verification off, confirm it is you."),
    )


# --- registration and confirmation ---------------------------------------------------------------

def _language_choices():
    return list(settings.LANGUAGES)


class RegistrationForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("I register as"),
        choices=[(AccountKind.INDIVIDUAL, _("A citizen (natural person)")),
                 (AccountKind.LEGAL_ENTITY, _("A company or organisation (legal entity)"))],
        initial=AccountKind.INDIVIDUAL,
    )
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
                                help_text=_("Required for citizens; for a company, the contact person."))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
                                 help_text=_("Required for citizens; for a company, the contact person."))
    patronymic = forms.CharField(label=_("Patronymic"), max_length=150, required=False,
                                 widget=forms.TextInput(attrs={"autocomplete": "additional-name"}))
    organisation_name = forms.CharField(label=_("Name of the company or organisation"), max_length=300,
                                        required=False, widget=forms.TextInput(attrs={"autocomplete": "organization"}),
                                        help_text=_("Required for companies and organisations."))
    tin = forms.CharField(label=_("Taxpayer number (STIR)"), max_length=11, required=False,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                                        "pattern": "[0-9 ]{9,11}"}),
                          help_text=_("9 digits. Required for companies and organisations."))
    email = forms.EmailField(label=_("E-mail"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             help_text=_("An e-mail address or a phone number is required; you can give both."))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel",
                                                          "placeholder": "+998 90 123 45 67"}),
                            help_text=_("We send a code to confirm it, e.g. +998 90 123 45 67."))
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("Type the same password again, to be sure."))
    preferred_language = forms.ChoiceField(label=_("Language of messages"), choices=_language_choices)
    consent = forms.BooleanField(
        label=_("I agree that my personal data are processed to handle my appeals and requests, as the Law "
                "on Personal Data requires."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("preferred_language", translation.get_language() or settings.LANGUAGE_CODE)
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "").strip()
        if not raw:
            return ""
        phone = normalise_phone(raw)
        if phone is None:
            raise ValidationError(_("Enter a phone number like +998 90 123 45 67."))
        return phone

    def clean_tin(self):
        return "".join(ch for ch in self.cleaned_data.get("tin", "") if not ch.isspace())

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if not data.get("email") and not data.get("phone") and "email" not in self.errors \
                and "phone" not in self.errors:
            self.add_error("email", _("Give an e-mail address or a phone number (or both), so we can confirm "
                                      "the account."))
        if kind == AccountKind.INDIVIDUAL:
            if not data.get("last_name", "").strip():
                self.add_error("last_name", _("Enter your last name."))
            if not data.get("first_name", "").strip():
                self.add_error("first_name", _("Enter your first name."))
        elif kind == AccountKind.LEGAL_ENTITY:
            if not data.get("organisation_name", "").strip():
                self.add_error("organisation_name", _("Enter the name of the company or organisation."))
            tin = data.get("tin", "")
            if not (tin.isdigit() and len(tin) == 9):
                self.add_error("tin", _("The taxpayer number (STIR) has 9 digits."))
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            probe = User(username="", email=data.get("email") or None, first_name=data.get("first_name", ""),
                         last_name=data.get("last_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "kind": d["kind"], "password": d["password1"], "email": d.get("email") or None,
            "phone": d.get("phone") or None, "last_name": d.get("last_name", ""),
            "first_name": d.get("first_name", ""), "patronymic": d.get("patronymic", ""),
            "organisation_name": d.get("organisation_name", ""), "tin": d.get("tin", ""),
            "preferred_language": d["preferred_language"],
        }


class PhoneCodeForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(label=_("Code from the SMS"), max_length=8, widget=_code_widget(),
                           help_text=_("6 digits. The code is valid for 15 minutes."))

    def clean_code(self):
        code = "".join(ch for ch in self.cleaned_data["code"] if ch.isdigit())
        if len(code) != 6:
            raise ValidationError(_("The code has 6 digits."))
        return code


# --- profile -------------------------------------------------------------------------------------

class ProfileForm(AccessibleFormMixin, forms.Form):
    """Names (not for staff), address and language. Which fields appear depends on the account kind."""

    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    patronymic = forms.CharField(label=_("Patronymic"), max_length=150, required=False,
                                 widget=forms.TextInput(attrs={"autocomplete": "additional-name"}))
    organisation_name = forms.CharField(label=_("Name of the company or organisation"), max_length=300,
                                        required=False, widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    tin = forms.CharField(label=_("Taxpayer number (STIR)"), max_length=11, required=False,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9 ]{9,11}"}))

    def clean_tin(self):
        return "".join(ch for ch in self.cleaned_data.get("tin", "") if not ch.isspace())
    address = forms.CharField(label=_("Postal address"), max_length=300, required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    preferred_language = forms.ChoiceField(label=_("Language"), choices=_language_choices,
                                           help_text=_("Pages and messages for you are in this language."))

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        kwargs.setdefault("prefix", "profile")
        kwargs.setdefault("initial", {name: getattr(user, name) for name in services.PROFILE_FIELDS[user.kind]})
        super().__init__(*args, **kwargs)
        allowed = set(services.PROFILE_FIELDS.get(user.kind, ("preferred_language",)))
        for name in list(self.fields):
            if name not in allowed:
                del self.fields[name]
        if user.kind == AccountKind.LEGAL_ENTITY:
            for name in ("last_name", "first_name", "patronymic"):
                self.fields[name].help_text = _("The contact person.")
            self.fields["organisation_name"].required = True
            self.fields["tin"].required = True
        elif user.kind == AccountKind.INDIVIDUAL:
            self.fields["last_name"].required = True
            self.fields["first_name"].required = True


class ContactForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             help_text=_("A new address is used once you open the link we send to it."))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
                            help_text=_("A new number is used once you enter the code we send to it."))

    def __init__(self, *args, user: User, **kwargs):
        kwargs.setdefault("prefix", "contact")
        kwargs.setdefault("initial", {"email": user.email or "", "phone": user.phone or ""})
        super().__init__(*args, **kwargs)

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "").strip()
        if not raw:
            return ""
        phone = normalise_phone(raw)
        if phone is None:
            raise ValidationError(_("Enter a phone number like +998 90 123 45 67."))
        return phone


# --- passwords -----------------------------------------------------------------------------------

class _PasswordHelpMixin:
    """Django computes the validators' help text once at import; compute it per request instead, so it is
    in the reader's language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_validation.password_validators_help_text_html()


class PasswordChangeForm(_PasswordHelpMixin, AccessibleFormMixin, auth_forms.PasswordChangeForm):
    def save(self, commit=True):
        return services.password_set(actor=self.user, user=self.user, password=self.cleaned_data["new_password1"],
                                     reason="change")


class PasswordResetForm(AccessibleFormMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(label=_("E-mail"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
                             help_text=_("The e-mail address confirmed for your account."))

    def get_users(self, email):
        """Only active accounts whose e-mail is confirmed: a link is never sent to an address nobody
        proved to own."""
        for user in super().get_users(email):
            if user.email_confirmed:
                yield user

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        user = context["user"]
        try:
            services.throttle(f"reset:{user.pk}")  # no mailbox flooding: one a minute, five an hour
        except services.Throttled:
            return
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            super().send_mail(subject_template_name, email_template_name, context, from_email, to_email,
                              html_email_template_name)
        services.password_reset_requested(user=user)


class SetPasswordForm(_PasswordHelpMixin, AccessibleFormMixin, auth_forms.SetPasswordForm):
    def save(self, commit=True):
        return services.password_set(actor=self.user, user=self.user, password=self.cleaned_data["new_password1"],
                                     reason="reset")
