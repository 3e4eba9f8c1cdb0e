"""The territory tree (R-E1): regions, districts and cities, mahallas, keyed by SOATO code."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    REGION = "region", _("Region")
    DISTRICT = "district", _("District or city")
    MAHALLA = "mahalla", _("Mahalla")


class Kind(models.TextChoices):
    REPUBLIC = "republic", _("Republic")
    REGION = "region", _("Region")
    CAPITAL = "capital", _("Capital city")
    DISTRICT = "district", _("District")
    CITY = "city", _("City")
    CITY_DISTRICT = "city_district", _("City district")
    MAHALLA = "mahalla", _("Mahalla")


CODE_LENGTH = {Level.REGION: 4, Level.DISTRICT: 7, Level.MAHALLA: 10}


class TerritoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def regions(self):
        return self.filter(level=Level.REGION)

    def districts(self):
        return self.filter(level=Level.DISTRICT)

    def within(self, code: str):
        """The territory with this code and everything under it (SOATO codes nest by prefix)."""
        return self.filter(code__startswith=code)


class Territory(models.Model):
    code = models.CharField(_("SOATO code"), max_length=12, primary_key=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(level="region", parent__isnull=True)
                    | models.Q(level="district", parent__isnull=False)
                    | models.Q(level="mahalla", parent__isnull=False)
                ),
                name="territory_parent_matches_level",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        expected = CODE_LENGTH.get(self.level)
        if self.code and (not self.code.isdigit() or (expected and len(self.code) != expected)):
            errors["code"] = _("A %(level)s code has %(n)s digits.") % {
                "level": self.get_level_display(), "n": expected,
            }
        if self.parent_id and self.code and not self.code.startswith(self.parent_id):
            errors["code"] = _("The code must start with the parent's code %(parent)s.") % {"parent": self.parent_id}
        if self.parent is not None:
            parent_level = {Level.DISTRICT: Level.REGION, Level.MAHALLA: Level.DISTRICT}.get(self.level)
            if parent_level and self.parent.level != parent_level:
                errors["parent"] = _("The parent of a %(level)s must be a %(parent_level)s.") % {
                    "level": self.get_level_display(), "parent_level": Level(parent_level).label,
                }
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        from nazorat.core.text import fold

        names = [getattr(self, f"name_{lang}", "") or "" for lang in ("uz", "uz_cyrl", "ru", "en")]
        self.search_text = fold(" ".join(n for n in names if n))
        super().save(*args, **kwargs)

    @property
    def region_code(self) -> str:
        return self.code[:4]
