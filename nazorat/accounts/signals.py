"""Audit of logins, logouts and failed logins (Django's auth signals), and of second-factor devices
removed anywhere (profile, administration, management command)."""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete

from nazorat.core.events import record

from . import events
from .middleware import LANGUAGE_SESSION_NOTE


def _backend(request, user) -> str:
    session = getattr(request, "session", None)
    from_session = session.get(BACKEND_SESSION_KEY) if session is not None else None
    return from_session or getattr(user, "backend", "") or ""


def _login_method(request, backend: str) -> str:
    method = getattr(request, "_nazorat_login_method", None)
    if method:
        return method
    if backend.endswith("OneIDBackend"):
        return "oidc"
    return "password"


def on_logged_in(sender, request, user, **kwargs):
    backend = _backend(request, user)
    record(action=events.LOGIN, actor=user, obj=user,
           payload={"method": _login_method(request, backend), "backend": backend})
    session = getattr(request, "session", None)
    if session is not None and user.preferred_language:
        session[LANGUAGE_SESSION_NOTE] = user.preferred_language


def on_logged_out(sender, request, user, **kwargs):
    if user is not None and getattr(user, "is_authenticated", False):
        record(action=events.LOGOUT, actor=user, obj=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    identifier = str(credentials.get("username") or "")
    if not identifier:
        return  # e.g. an OIDC callback without a usable answer: the provider keeps its own log
    from .models import User

    try:
        user = User.objects.get_by_identifier(identifier)
    except (User.DoesNotExist, User.MultipleObjectsReturned):
        user = None
    record(action=events.LOGIN_FAILED, actor=None, obj=user, payload={"identifier": identifier[:150]})


def on_device_deleted(sender, instance, **kwargs):
    if not instance.confirmed:
        return  # an abandoned setup, never in use
    actor = getattr(instance, "_nazorat_actor", None)
    user = instance.user
    record(action=events.TOTP_REMOVED, actor=actor, obj=user,
           payload={"device": instance.name, "user": user.get_username(),
                    "by": getattr(instance, "_nazorat_via", "administration")})


def connect() -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user_logged_in.connect(on_logged_in, dispatch_uid="nazorat.accounts.logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="nazorat.accounts.logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="nazorat.accounts.login_failed")
    post_delete.connect(on_device_deleted, sender=TOTPDevice, dispatch_uid="nazorat.accounts.totp_deleted")
