"""Login and logout, second factor, registration and confirmation, profile, passwords. Thin views: the
forms validate, the services write."""

from __future__ import annotations

from base64 import b32encode
from functools import wraps
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from nazorat.core.middleware import client_ip
from nazorat.orgs.selectors import memberships_of

from . import forms, lockout, services
from .middleware import (
    confirmed_totp_device,
    second_factor_mandatory,
    second_factor_required,
    second_factor_url,
    set_language_cookie,
)
from .models import AccountKind, User

PASSWORD_BACKEND = "nazorat.accounts.backends.IdentifierBackend"
PENDING_USER_KEY = "_nazorat_pending_user"
PENDING_EMAIL_KEY = "_nazorat_pending_email"


# --- helpers -------------------------------------------------------------------------------------

def safe_next(request, default: str | None = None) -> str:
    """The ``next`` parameter if it points to this site, else ``default`` (the dashboard)."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return default if default is not None else resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?next={quote(next_url, safe='/')}"


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _add_errors(form, exc: ValidationError, field: str | None = None) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(field, exc)


def _login_confirmed(request, user: User, method: str) -> None:
    request._nazorat_login_method = method
    auth_login(request, user, backend=PASSWORD_BACKEND)
    request.session.pop(PENDING_USER_KEY, None)


def _confirming_user(request) -> User | None:
    """Who is confirming a contact: the logged-in person, or the new account named in the session."""
    if request.user.is_authenticated:
        return request.user
    pk = request.session.get(PENDING_USER_KEY)
    if pk is None:
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or not services.is_awaiting_confirmation(user):
        request.session.pop(PENDING_USER_KEY, None)
        return None
    return user


def second_factor_verified(view):
    """login_required, and the second factor passed where this person needs it. Account pages are exempt
    from the middleware (so the login flow works); the sensitive ones use this instead."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_verified() and second_factor_required(request.user):
            return redirect(second_factor_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapped


# --- login and logout ----------------------------------------------------------------------------

@method_decorator(never_cache, name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = forms.LoginForm
    template_name = "accounts/login.html"

    def form_valid(self, form):
        user = form.get_user()
        auth_login(self.request, user)
        lockout.reset(form.cleaned_data["username"], client_ip(self.request))
        next_url = self.get_success_url()
        if second_factor_required(user):
            return redirect(second_factor_url(next_url))
        return HttpResponseRedirect(next_url)

    def form_invalid(self, form):
        if form.pending_user is not None:
            self.request.session[PENDING_USER_KEY] = form.pending_user.pk
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["pending_confirmation"] = getattr(form, "pending_user", None) is not None
        context["oidc_failed"] = self.request.GET.get("oidc") == "failed"
        return context


class LogoutView(auth_views.LogoutView):
    pass


# --- second factor -------------------------------------------------------------------------------

@never_cache
@login_required
def second_factor(request):
    user = request.user
    next_url = safe_next(request)
    if user.is_verified():
        return redirect(next_url)
    device = confirmed_totp_device(user)
    if device is None:
        if second_factor_mandatory(user):
            messages.info(request, _("Your role requires two-step verification. Set it up to continue."))
            return redirect(_with_next(reverse("accounts:totp_setup"), next_url))
        return redirect(next_url)
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.second_factor_verify(user=user, device=device, token=form.cleaned_data["token"])
        except ValidationError as exc:
            _add_errors(form, exc, "token")
        else:
            otp_login(request, device)
            return redirect(next_url)
    return render(request, "accounts/second_factor.html", {"form": form, "next": next_url})


def _qr_svg(data: str) -> str:
    return segno.make(data, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff", omitsize=False)


@never_cache
@login_required
def totp_setup(request):
    user = request.user
    next_url = safe_next(request, default=reverse("accounts:profile"))
    if confirmed_totp_device(user) is not None:
        if not user.is_verified():  # a new device must never be added by someone holding only the password
            return redirect(second_factor_url(request.get_full_path()))
        messages.info(request, _("Two-step verification is already on."))
        return redirect("accounts:profile")
    device = services.totp_device_for_setup(user=user)
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_confirm(user=user, device=device, token=form.cleaned_data["token"])
        except ValidationError as exc:
            _add_errors(form, exc, "token")
        else:
            otp_login(request, device)
            messages.success(request, _("Two-step verification is on. From now on you will be asked for a code "
                                        "from the app when you log in."))
            return redirect(next_url)
    secret = b32encode(device.bin_key).decode()
    return render(request, "accounts/totp_setup.html", {
        "form": form, "next": next_url, "qr_svg": _qr_svg(device.config_url),
        "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
        "mandatory": second_factor_mandatory(user),
    })


@require_POST
@sensitive_post_parameters("password")
@second_factor_verified
def totp_remove(request):
    form = forms.TOTPRemoveForm(request.POST, prefix="totp")
    if form.is_valid():
        try:
            services.totp_remove(actor=request.user, user=request.user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # not allowed at all (signatory): say so on the profile
                messages.error(request, " ".join(exc.messages))
                return redirect("accounts:profile")
            _add_errors(form, exc, None)
        else:
            messages.success(request, _("Two-step verification is off."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", _profile_context(request, totp_form=form))


# --- registration and confirmation ---------------------------------------------------------------

@never_cache
@sensitive_post_parameters("password1", "password2")
def register(request):
    if request.user.is_authenticated:
        messages.info(request, _("You are logged in already."))
        return redirect("accounts:profile")
    form = forms.RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.account_register(**form.service_kwargs(), base_url=_base_url(request))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            request.session[PENDING_USER_KEY] = user.pk
            return redirect("accounts:confirm_pending")
    return render(request, "accounts/register.html", {"form": form})


@never_cache
def confirm_pending(request):
    """"Check your e-mail / phone": what was sent where, and a button to send it again."""
    user = _confirming_user(request)
    if user is None:
        return redirect("accounts:login")
    if request.user.is_authenticated and not request.session.get(PENDING_EMAIL_KEY) \
            and services.pending_phone_code(user) is None:
        return redirect("accounts:profile")
    return render(request, "accounts/confirm_pending.html", {
        "account": user, "pending_email": request.session.get(PENDING_EMAIL_KEY) or (
            user.email if user.email and not user.email_confirmed else None),
        "pending_code": services.pending_phone_code(user),
        "unconfirmed_phone": user.phone if user.phone and not user.phone_confirmed else None,
    })


@require_POST
def confirm_resend(request):
    user = _confirming_user(request)
    if user is None:
        return redirect("accounts:login")
    channel = request.POST.get("channel")
    try:
        if channel == "email":
            target = request.session.get(PENDING_EMAIL_KEY) if request.user.is_authenticated else None
            target = target or (user.email if user.email and not user.email_confirmed else None)
            if not target:
                messages.info(request, _("There is no e-mail address waiting for confirmation."))
            elif services.email_confirmation_send(user=user, email=target, base_url=_base_url(request)):
                messages.success(request, _("We sent a new link to %(email)s.") % {"email": target})
            else:
                messages.error(request, _("The e-mail could not be sent just now. Try again later."))
        elif channel == "phone":
            last = user.confirmation_codes.filter(used_at__isnull=True).order_by("-created_at", "-id").first()
            target = last.phone if last else (user.phone if user.phone and not user.phone_confirmed else None)
            if not target:
                messages.info(request, _("There is no phone number waiting for confirmation."))
            else:
                services.phone_code_send(user=user, phone=target)
                messages.success(request, _("We sent a new code to %(phone)s.") % {"phone": target})
                return redirect("accounts:confirm_phone")
    except services.Throttled as exc:
        messages.error(request, exc.message())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if channel == "phone":
        return redirect("accounts:confirm_phone")
    return redirect("accounts:confirm_pending")


@never_cache
def confirm_phone(request):
    user = _confirming_user(request)
    if user is None:
        messages.info(request, _("Log in to confirm your phone number."))
        return redirect("accounts:login")
    form = forms.PhoneCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.phone_confirm(user=user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            _add_errors(form, exc, "code")
        else:
            if result.activated:
                _login_confirmed(request, result.user, "phone_confirmation")
                messages.success(request, _("Your phone number is confirmed and your account is open. Welcome!"))
                return redirect(settings.LOGIN_REDIRECT_URL)
            messages.success(request, _("Your phone number %(phone)s is confirmed.") % {"phone": result.user.phone})
            return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")
    pending = services.pending_phone_code(user)
    last = user.confirmation_codes.filter(used_at__isnull=True).order_by("-created_at", "-id").first()
    return render(request, "accounts/confirm_phone.html", {
        "form": form, "account": user, "pending_code": pending,
        "phone": (last.phone if last else None) or user.phone,
    })


@never_cache
def confirm_email(request, token: str):
    """GET shows what the link confirms (mail scanners only ever GET); the button POSTs."""
    try:
        link = services.email_link_check(token)
    except ValidationError as exc:
        return render(request, "accounts/confirm_email.html", {"error": " ".join(exc.messages), "error_code": exc.code},
                      status=200 if exc.code == "already" else 400)
    if request.method == "POST":
        try:
            result = services.email_confirm(token=token)
        except ValidationError as exc:
            return render(request, "accounts/confirm_email.html",
                          {"error": " ".join(exc.messages), "error_code": exc.code}, status=400)
        request.session.pop(PENDING_EMAIL_KEY, None)
        if result.activated:
            _login_confirmed(request, result.user, "email_confirmation")
            messages.success(request, _("Your e-mail is confirmed and your account is open. Welcome!"))
            return redirect(settings.LOGIN_REDIRECT_URL)
        messages.success(request, _("Your e-mail %(email)s is confirmed.") % {"email": result.user.email})
        return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")
    return render(request, "accounts/confirm_email.html",
                  {"link": link, "new_account": services.is_awaiting_confirmation(link.user)})


# --- profile -------------------------------------------------------------------------------------

def _profile_context(request, *, profile_form=None, contact_form=None, totp_form=None) -> dict:
    user = request.user
    return {
        "profile_form": profile_form or forms.ProfileForm(user=user),
        "contact_form": contact_form or forms.ContactForm(user=user),
        "totp_form": totp_form or forms.TOTPRemoveForm(prefix="totp"),
        "totp_device": confirmed_totp_device(user),
        "totp_mandatory": second_factor_mandatory(user),
        "memberships": list(memberships_of(user)) if user.kind == AccountKind.STAFF else [],
        "is_staff_member": user.kind == AccountKind.STAFF,
        "pending_code": services.pending_phone_code(user),
        "pending_email": request.session.get(PENDING_EMAIL_KEY),
        "has_password": user.has_usable_password(),
    }


@never_cache
@second_factor_verified
def profile(request):
    user = request.user
    if request.method == "POST":
        form = forms.ProfileForm(request.POST, user=user)
        if form.is_valid():
            try:
                changed = services.profile_update(actor=user, user=user, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                response = redirect("accounts:profile")
                if "preferred_language" in changed:
                    translation.activate(user.preferred_language)
                    request.LANGUAGE_CODE = user.preferred_language
                    set_language_cookie(response, user.preferred_language)
                messages.success(request, _("Your profile is saved.") if changed else _("Nothing changed."))
                return response
        return render(request, "accounts/profile.html", _profile_context(request, profile_form=form))
    return render(request, "accounts/profile.html", _profile_context(request))


@require_POST
@second_factor_verified
def profile_contact(request):
    user = request.user
    form = forms.ContactForm(request.POST, user=user)
    if form.is_valid():
        try:
            result = services.contact_change(actor=user, user=user, email=form.cleaned_data["email"],
                                             phone=form.cleaned_data["phone"], base_url=_base_url(request))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if "email" in result.removed:
                messages.success(request, _("The e-mail address is removed from your account."))
                request.session.pop(PENDING_EMAIL_KEY, None)
            if "phone" in result.removed:
                messages.success(request, _("The phone number is removed from your account."))
            if result.email_sent_to:
                request.session[PENDING_EMAIL_KEY] = result.email_sent_to
                messages.info(request, _("We sent a link to %(email)s. Your e-mail changes when you open it.")
                              % {"email": result.email_sent_to})
            if result.phone_code_sent_to:
                messages.info(request, _("We sent a code to %(phone)s. Enter it to change your phone number.")
                              % {"phone": result.phone_code_sent_to})
                return redirect("accounts:confirm_phone")
            if not (result.removed or result.email_sent_to):
                messages.info(request, _("Nothing changed."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", _profile_context(request, contact_form=form))


# --- passwords -----------------------------------------------------------------------------------

@method_decorator(second_factor_verified, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
