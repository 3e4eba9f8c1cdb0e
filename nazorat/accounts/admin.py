"""People in the administration. Two-step verification devices are managed under "TOTP devices"
(django-otp's admin): deleting a person's device there lets them set up a new one at the next login."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import AdminLoginForm
from .models import User

# The administration's login goes through the same identifier backend, messages and lockout as the site's.
admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "kind", "email", "phone", "is_active", "is_staff", "last_login")
    list_filter = ("kind", "is_active", "is_staff", "is_superuser", "email_confirmed", "phone_confirmed")
    search_fields = ("username", "last_name", "first_name", "patronymic", "organisation_name", "email", "phone",
                     "pinfl", "tin")
    ordering = ("last_name", "first_name", "username")
    readonly_fields = ("oidc_subject", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password", "kind")}),
        (_("Person"), {"fields": ("last_name", "first_name", "patronymic", "pinfl", "address")}),
        (_("Company"), {"fields": ("organisation_name", "tin")}),
        (_("Contacts"), {"fields": ("email", "email_confirmed", "phone", "phone_confirmed", "preferred_language")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("History"), {"fields": ("oidc_subject", "last_login", "date_joined")}),
    )

    @admin.display(description=_("name"))
    def display_name(self, obj):
        return obj.get_full_name()
