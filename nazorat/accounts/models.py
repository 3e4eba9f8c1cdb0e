"""People: staff of bodies, citizens and companies. One user table; what a person may do comes from
their memberships (orgs) for staff and from ownership for citizens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    STAFF = "staff", _("Staff member")
    INDIVIDUAL = "individual", _("Citizen")
    LEGAL_ENTITY = "legal_entity", _("Company or organisation")


class NazoratUserManager(UserManager):
    def get_by_identifier(self, identifier: str):
        """Find a user by username, e-mail or phone number (what a person types at login)."""
        from .phones import normalise_phone

        identifier = (identifier or "").strip()
        if not identifier:
            raise self.model.DoesNotExist
        if "@" in identifier:
            return self.get(email__iexact=identifier)
        phone = normalise_phone(identifier)
        if phone:
            try:
                return self.get(phone=phone)
            except self.model.DoesNotExist:
                pass
        return self.get(username__iexact=identifier)


class User(AbstractUser):
    kind = models.CharField(_("account kind"), max_length=16, choices=AccountKind.choices, default=AccountKind.INDIVIDUAL)
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True, null=True, unique=True,
                             help_text=_("International format, e.g. +998901234567."))
    email = models.EmailField(_("e-mail"), blank=True, null=True)
    organisation_name = models.CharField(_("organisation name"), max_length=300, blank=True,
                                         help_text=_("For companies and organisations."))
    tin = models.CharField(_("taxpayer number (STIR)"), max_length=9, blank=True)
    pinfl = models.CharField(_("personal number (JShShIR)"), max_length=14, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    preferred_language = models.CharField(_("language"), max_length=8, default="uz")
    email_confirmed = models.BooleanField(_("e-mail confirmed"), default=False)
    phone_confirmed = models.BooleanField(_("phone confirmed"), default=False)
    oidc_subject = models.CharField(max_length=128, blank=True, null=True, unique=True, editable=False)

    objects = NazoratUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_unique_email_ci"),
        ]

    def get_full_name(self) -> str:
        if self.kind == AccountKind.LEGAL_ENTITY and self.organisation_name:
            return self.organisation_name
        parts = [self.last_name, self.first_name, self.patronymic]
        return " ".join(p for p in parts if p).strip()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.kind == AccountKind.STAFF


class ConfirmationCode(models.Model):
    """A one-time code sent by SMS to confirm a phone number (the e-mail path uses signed links)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="confirmation_codes")
    phone = models.CharField(max_length=16)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
