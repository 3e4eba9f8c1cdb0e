"""Event types written by accounts, with their names as people read them in the audit log."""

from django.utils.translation import gettext_lazy as _

from nazorat.core.events import register_labels

LOGIN = "account.login"
LOGIN_FAILED = "account.login_failed"
LOGIN_LOCKED = "account.login_locked"
LOGOUT = "account.logout"
REGISTERED = "account.registered"
ACTIVATED = "account.activated"
EMAIL_CONFIRMATION_SENT = "account.email_confirmation_sent"
EMAIL_CONFIRMED = "account.email_confirmed"
PHONE_CODE_SENT = "account.phone_code_sent"
PHONE_CODE_FAILED = "account.phone_code_failed"
PHONE_CONFIRMED = "account.phone_confirmed"
CONTACT_REMOVED = "account.contact_removed"
CONTACT_RELEASED = "account.contact_released"
PROFILE_CHANGED = "account.profile_changed"
PASSWORD_CHANGED = "account.password_changed"
PASSWORD_RESET_REQUESTED = "account.password_reset_requested"
PASSWORD_RESET = "account.password_reset"
TOTP_ADDED = "account.totp_added"
TOTP_REMOVED = "account.totp_removed"
SECOND_FACTOR_PASSED = "account.second_factor_passed"
SECOND_FACTOR_FAILED = "account.second_factor_failed"
OIDC_CREATED = "account.oidc_created"
OIDC_LINKED = "account.oidc_linked"

register_labels({
    LOGIN: _("Logged in"),
    LOGIN_FAILED: _("Failed login"),
    LOGIN_LOCKED: _("Login blocked after repeated failures"),
    LOGOUT: _("Logged out"),
    REGISTERED: _("Account registered"),
    ACTIVATED: _("Account activated"),
    EMAIL_CONFIRMATION_SENT: _("E-mail confirmation link sent"),
    EMAIL_CONFIRMED: _("E-mail confirmed"),
    PHONE_CODE_SENT: _("Phone confirmation code sent"),
    PHONE_CODE_FAILED: _("Wrong phone confirmation code"),
    PHONE_CONFIRMED: _("Phone number confirmed"),
    CONTACT_REMOVED: _("Contact removed"),
    CONTACT_RELEASED: _("Unconfirmed contact released"),
    PROFILE_CHANGED: _("Profile changed"),
    PASSWORD_CHANGED: _("Password changed"),
    PASSWORD_RESET_REQUESTED: _("Password reset requested"),
    PASSWORD_RESET: _("Password reset"),
    TOTP_ADDED: _("Two-step verification turned on"),
    TOTP_REMOVED: _("Two-step verification turned off"),
    SECOND_FACTOR_PASSED: _("One-time code accepted"),
    SECOND_FACTOR_FAILED: _("Wrong one-time code"),
    OIDC_CREATED: _("Account created through OneID"),
    OIDC_LINKED: _("Account linked to OneID"),
})
