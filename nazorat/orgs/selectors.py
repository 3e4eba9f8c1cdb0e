"""Reads about organisations and people. Every list starts from what the acting user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q, QuerySet

from .models import Membership, Organisation, Role

# Roles that see a whole territory (or the whole country for republican bodies) without editing.
WIDE_READ_ROLES = {Role.CONTROLLER, Role.OBSERVER, Role.OPERATOR}


def memberships_of(user) -> QuerySet[Membership]:
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return (
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation", "organisation__territory", "unit")
        .prefetch_related("roles")
        .order_by("-is_primary", "id")
    )


def membership_for(user, *, organisation: Organisation | None = None) -> Membership | None:
    qs = memberships_of(user)
    if organisation is not None:
        in_org = [m for m in qs if m.organisation_id == organisation.pk]
        if in_org:
            return in_org[0]
    return next(iter(qs), None)


@dataclass
class StaffScope:
    """What one staff member may see: organisation subtrees (by role) and territories (wide roles)."""

    user: object
    memberships: list[Membership] = field(default_factory=list)

    @classmethod
    def for_user(cls, user) -> "StaffScope":
        cached = getattr(user, "_nazorat_scope", None)
        if cached is not None:
            return cached
        scope = cls(user=user, memberships=list(memberships_of(user)))
        try:
            user._nazorat_scope = scope
        except AttributeError:  # pragma: no cover - AnonymousUser is immutable-ish
            pass
        return scope

    @property
    def is_staff_member(self) -> bool:
        return bool(self.memberships)

    @cached_property
    def roles(self) -> set[str]:
        return {r for m in self.memberships for r in m.role_codes}

    def has_role(self, role: str, organisation: Organisation | None = None) -> bool:
        for m in self.memberships:
            if role in m.role_codes and (organisation is None or m.organisation_id == organisation.pk):
                return True
        return False

    def orgs_with_role(self, role: str) -> list[Organisation]:
        return [m.organisation for m in self.memberships if role in m.role_codes]

    @cached_property
    def org_paths(self) -> list[str]:
        return sorted({m.organisation.path for m in self.memberships})

    @cached_property
    def wide_territories(self) -> list[str | None]:
        """Territory codes a controller/observer/operator oversees; None means the whole country."""
        codes: set[str | None] = set()
        for m in self.memberships:
            if m.role_codes & WIDE_READ_ROLES:
                codes.add(m.organisation.territory_id if m.organisation.territory_id else None)
        return sorted(codes, key=lambda c: c or "")

    @property
    def sees_whole_country(self) -> bool:
        return None in self.wide_territories or getattr(self.user, "is_superuser", False)

    def org_q(self, field_name: str) -> Q:
        """Q matching rows whose organisation (``field_name`` points at an Organisation) is in scope."""
        q = Q(pk__in=[])
        for path in self.org_paths:
            q |= Q(**{f"{field_name}__path__startswith": path})
        return q

    def territory_q(self, field_name: str) -> Q:
        q = Q(pk__in=[])
        for code in self.wide_territories:
            if code is None:
                return Q()
            q |= Q(**{f"{field_name}__startswith": code})
        return q

    def covers_organisation(self, organisation: Organisation) -> bool:
        return any(organisation.path.startswith(p) for p in self.org_paths)


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """The directory of bodies is public reference data (the appeal form needs it): active bodies for
    everybody, inactive ones too for administrators."""
    qs = Organisation.objects.select_related("territory", "parent")
    if getattr(user, "is_superuser", False):
        return qs
    return qs.filter(is_active=True)


def heads_of(organisation: Organisation) -> QuerySet[Membership]:
    return Membership.objects.active().filter(organisation=organisation, position="head").select_related("user")


def members_with_role(organisation: Organisation, role: str) -> QuerySet[Membership]:
    return Membership.objects.active().filter(organisation=organisation, roles__role=role).select_related("user")
