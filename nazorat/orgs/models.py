"""Organisations (a tree tied to territories), their units, and staff memberships with positions and
roles (R-E1, R-A12)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    PRESIDENTIAL_ADMINISTRATION = "presidential_administration", _("Presidential Administration")
    CABINET = "cabinet", _("Cabinet of Ministers")
    MINISTRY = "ministry", _("Ministry or agency")
    MINISTRY_UNIT = "ministry_unit", _("Territorial unit of a ministry")
    HOKIMLIK = "hokimlik", _("Governor's office (hokimlik)")
    HOKIMLIK_DEPARTMENT = "hokimlik_department", _("Department of a governor's office")
    UTILITY = "utility", _("Utility or authorized body")
    JUSTICE = "justice", _("Justice body")
    ACCOUNTS_CHAMBER = "accounts_chamber", _("Accounts Chamber")
    PROSECUTOR = "prosecutor", _("Prosecutor's office")
    PEOPLES_RECEPTION = "peoples_reception", _("People's reception office")
    DIGITAL_DEPARTMENT = "digital_department", _("Digital Department")
    OTHER = "other", _("Other organisation")


class OrgLevel(models.TextChoices):
    REPUBLIC = "republic", _("Republic")
    REGION = "region", _("Region")
    DISTRICT = "district", _("District or city")


class Sector(models.TextChoices):
    """Sectors used by routing rules (Xalq nazorati categories) and reports."""

    GENERAL = "general", _("General administration")
    WATER = "water", _("Drinking water and sewage")
    ELECTRICITY = "electricity", _("Electricity")
    GAS = "gas", _("Gas")
    HEATING = "heating", _("Heating")
    ROADS = "roads", _("Roads and transport")
    HOUSING = "housing", _("Housing and communal services")
    CONSTRUCTION = "construction", _("Construction")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    ECOLOGY = "ecology", _("Ecology and landscaping")
    SOCIAL = "social", _("Social protection")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True, help_text=_("A stable identifier used by imports."))
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrgKind.choices, db_index=True)
    level = models.CharField(_("level"), max_length=16, choices=OrgLevel.choices, db_index=True)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices, default=Sector.GENERAL)
    territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("territory"), on_delete=models.PROTECT, related_name="organisations",
        null=True, blank=True, help_text=_("Empty for republican bodies."),
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("higher body"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of primary keys, "12/40/311/": subtree = path__startswith.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    work_week = models.PositiveSmallIntegerField(
        _("work week"), choices=[(5, _("Five-day week")), (6, _("Six-day week"))], default=5,
    )
    tin = models.CharField(_("taxpayer number (STIR)"), max_length=9, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from nazorat.core.text import fold

        names = [getattr(self, f"{f}_{lang}", "") or "" for f in ("name", "short_name")
                 for lang in ("uz", "uz_cyrl", "ru", "en")]
        self.search_text = fold(" ".join(n for n in names if n))
        creating = self.pk is None
        super().save(*args, **kwargs)
        if creating or not self.path:
            self.refresh_path(save=True)

    def refresh_path(self, *, save: bool) -> None:
        parent_path = self.parent.path if self.parent_id else ""
        self.path = f"{parent_path}{self.pk}/"
        self.depth = self.path.count("/") - 1
        if save:
            type(self).objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)

    def subtree(self):
        return type(self).objects.filter(path__startswith=self.path)

    def ancestors(self):
        ids = [int(p) for p in self.path.strip("/").split("/") if p]
        return type(self).objects.filter(pk__in=ids).order_by("depth")

    def is_within(self, other: "Organisation") -> bool:
        return self.path.startswith(other.path)


class Unit(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="units")
    name = models.CharField(_("name"), max_length=300)
    parent = models.ForeignKey("self", verbose_name=_("parent unit"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["organisation_id", "name"]

    def __str__(self) -> str:
        return self.name


class Position(models.TextChoices):
    HEAD = "head", _("Head")
    FIRST_DEPUTY = "first_deputy", _("First deputy")
    DEPUTY = "deputy", _("Deputy")
    UNIT_HEAD = "unit_head", _("Head of unit")
    SPECIALIST = "specialist", _("Specialist")


class Role(models.TextChoices):
    EXECUTOR = "executor", _("Executor")
    SIGNATORY = "signatory", _("Signatory")
    CONTROL_GROUP = "control_group", _("Control group")
    REVIEWER = "reviewer", _("Reviewer (working group)")
    CONTROLLER = "controller", _("Controller")
    OBSERVER = "observer", _("Observer")
    OPERATOR = "operator", _("Operator")
    ADMINISTRATOR = "administrator", _("Administrator")


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, organisation__is_active=True)


class Membership(models.Model):
    """A person's place in an organisation: position, title and roles. A person may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                             related_name="memberships")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="memberships")
    position = models.CharField(_("position"), max_length=16, choices=Position.choices)
    title = models.CharField(_("title"), max_length=255, blank=True,
                             help_text=_("The position as written in documents, e.g. 'First deputy governor'."))
    is_primary = models.BooleanField(_("primary"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    started_on = models.DateField(_("since"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "position"], condition=models.Q(is_active=True),
                                    name="membership_unique_active"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.title_display}, {self.organisation}"

    @property
    def title_display(self) -> str:
        return self.title or str(self.get_position_display())

    @property
    def role_codes(self) -> set[str]:
        cache = getattr(self, "_prefetched_objects_cache", {})
        grants = cache.get("roles") if cache else None
        if grants is None:
            grants = self.roles.all()
        return {g.role for g in grants}


class RoleGrant(models.Model):
    membership = models.ForeignKey(Membership, verbose_name=_("membership"), on_delete=models.CASCADE,
                                   related_name="roles")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, db_index=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["membership", "role"], name="rolegrant_unique")]

    def __str__(self) -> str:
        return str(self.get_role_display())
