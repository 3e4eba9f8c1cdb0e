"""Every write to organisations, units, people and memberships. Each writes an event with its actor."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from nazorat.accounts.models import AccountKind, User
from nazorat.accounts.phones import normalise_phone
from nazorat.core import events

from .models import Membership, OrgKind, OrgLevel, Organisation, Position, Role, RoleGrant, Unit

LANGS = ("uz", "uz_cyrl", "ru", "en")


def _translated(prefix: str, values: dict) -> dict:
    return {f"{prefix}_{lang}": values.get(f"{prefix}_{lang}") or "" for lang in LANGS if f"{prefix}_{lang}" in values}


@transaction.atomic
def organisation_create(
    *,
    actor,
    code: str,
    name_uz: str,
    kind: str,
    level: str,
    territory=None,
    parent: Organisation | None = None,
    **fields,
) -> Organisation:
    """Create a body. ``fields`` may carry name_uz_cyrl/name_ru/name_en, short_name_*, sector, work_week,
    tin, address, email, phone."""
    if kind not in OrgKind.values:
        raise ValidationError({"kind": _("Unknown kind of organisation: %(kind)s.") % {"kind": kind}})
    if level not in OrgLevel.values:
        raise ValidationError({"level": _("Unknown level: %(level)s.") % {"level": level}})
    if level != OrgLevel.REPUBLIC and territory is None:
        raise ValidationError({"territory": _("A regional or district body needs a territory.")})
    if Organisation.objects.filter(code=code).exists():
        raise ValidationError({"code": _("An organisation with code %(code)s already exists.") % {"code": code}})
    if not (name_uz or "").strip():
        raise ValidationError({"name_uz": _("The name in Uzbek is required.")})
    from nazorat.core.text import to_cyrillic

    if not fields.get("name_uz_cyrl"):
        fields["name_uz_cyrl"] = to_cyrillic(name_uz)
    org = Organisation(code=code, name_uz=name_uz.strip(), kind=kind, level=level, territory=territory, parent=parent)
    for key, value in fields.items():
        setattr(org, key, value)
    org.full_clean(exclude=["path"])
    org.save()
    events.record(action="organisation.created", actor=actor, obj=org,
                  payload={"code": code, "name": name_uz, "kind": kind, "level": level,
                           "parent": parent.code if parent else None,
                           "territory": territory.code if territory else None})
    return org


@transaction.atomic
def organisation_move(*, actor, organisation: Organisation, new_parent: Organisation | None) -> Organisation:
    if new_parent is not None and new_parent.is_within(organisation):
        raise ValidationError({"parent": _("An organisation cannot be placed under itself or its own unit.")})
    old_path = organisation.path
    old_parent = organisation.parent
    organisation.parent = new_parent
    organisation.save(update_fields=["parent"])
    organisation.refresh_path(save=True)
    for child in Organisation.objects.filter(path__startswith=old_path).exclude(pk=organisation.pk).order_by("depth"):
        child.refresh_path(save=True)
    events.record(action="organisation.moved", actor=actor, obj=organisation,
                  payload={"from": old_parent.code if old_parent else None,
                           "to": new_parent.code if new_parent else None})
    return organisation


@transaction.atomic
def unit_create(*, actor, organisation: Organisation, name_uz: str, parent: Unit | None = None, **names) -> Unit:
    if not (name_uz or "").strip():
        raise ValidationError({"name_uz": _("The name in Uzbek is required.")})
    unit = Unit(organisation=organisation, name_uz=name_uz.strip(), parent=parent, **_translated("name", names))
    unit.save()
    events.record(action="unit.created", actor=actor, obj=unit, organisation=organisation,
                  payload={"organisation": organisation.code, "name": name_uz})
    return unit


@transaction.atomic
def person_create(
    *,
    actor,
    username: str,
    first_name: str,
    last_name: str,
    patronymic: str = "",
    email: str | None = None,
    phone: str | None = None,
    password: str | None = None,
    kind: str = AccountKind.STAFF,
    preferred_language: str = "uz",
) -> User:
    errors = {}
    if not username:
        errors["username"] = _("A login name is required.")
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("The login name %(username)s is taken.") % {"username": username}
    if not first_name or not last_name:
        errors["last_name"] = _("First and last name are required.")
    canonical_phone = None
    if phone:
        canonical_phone = normalise_phone(phone)
        if canonical_phone is None:
            errors["phone"] = _("Enter a phone number like +998 90 123 45 67.")
        elif User.objects.filter(phone=canonical_phone).exists():
            errors["phone"] = _("This phone number belongs to another account.")
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = _("This e-mail belongs to another account.")
    if errors:
        raise ValidationError(errors)
    user = User(
        username=username, first_name=first_name, last_name=last_name, patronymic=patronymic,
        email=email or None, phone=canonical_phone, kind=kind, preferred_language=preferred_language,
        email_confirmed=bool(email) and kind == AccountKind.STAFF,
        phone_confirmed=bool(canonical_phone) and kind == AccountKind.STAFF,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    events.record(action="person.created", actor=actor, obj=user,
                  payload={"username": username, "kind": kind})
    return user


@transaction.atomic
def membership_create(
    *,
    actor,
    user: User,
    organisation: Organisation,
    position: str,
    roles: Iterable[str] = (),
    title: str = "",
    unit: Unit | None = None,
    is_primary: bool = True,
) -> Membership:
    roles = list(dict.fromkeys(roles))
    bad = [r for r in roles if r not in Role.values]
    if bad:
        raise ValidationError({"roles": _("Unknown role: %(roles)s.") % {"roles": ", ".join(bad)}})
    if position not in Position.values:
        raise ValidationError({"position": _("Unknown position: %(position)s.") % {"position": position}})
    if unit is not None and unit.organisation_id != organisation.pk:
        raise ValidationError({"unit": _("The unit belongs to another organisation.")})
    if Membership.objects.filter(user=user, organisation=organisation, position=position, is_active=True).exists():
        raise ValidationError({"position": _("This person already holds this position in this organisation.")})
    if is_primary:
        Membership.objects.filter(user=user, is_primary=True).update(is_primary=False)
    membership = Membership.objects.create(user=user, organisation=organisation, position=position, title=title,
                                           unit=unit, is_primary=is_primary)
    RoleGrant.objects.bulk_create([RoleGrant(membership=membership, role=r) for r in roles])
    if user.kind != AccountKind.STAFF:
        user.kind = AccountKind.STAFF
        user.save(update_fields=["kind"])
    events.record(action="membership.created", actor=actor, obj=membership, organisation=organisation,
                  payload={"user": user.username, "organisation": organisation.code, "position": position,
                           "roles": roles, "title": title})
    return membership


@transaction.atomic
def membership_set_roles(*, actor, membership: Membership, roles: Iterable[str]) -> Membership:
    roles = set(roles)
    bad = [r for r in roles if r not in Role.values]
    if bad:
        raise ValidationError({"roles": _("Unknown role: %(roles)s.") % {"roles": ", ".join(sorted(bad))}})
    before = membership.role_codes
    membership.roles.exclude(role__in=roles).delete()
    RoleGrant.objects.bulk_create([RoleGrant(membership=membership, role=r) for r in roles - before])
    events.record(action="membership.roles_changed", actor=actor, obj=membership,
                  organisation=membership.organisation,
                  payload={"before": sorted(before), "after": sorted(roles)})
    return membership


@transaction.atomic
def membership_end(*, actor, membership: Membership, ended_on=None) -> Membership:
    from django.utils import timezone

    from nazorat.cases.services import release_person

    membership.is_active = False
    membership.ended_on = ended_on or timezone.localdate()
    membership.save(update_fields=["is_active", "ended_on"])
    released = release_person(user=membership.user, organisation=membership.organisation, actor=actor)
    events.record(action="membership.ended", actor=actor, obj=membership, organisation=membership.organisation,
                  payload={"ended_on": membership.ended_on.isoformat(), "work_items_released": released})
    return membership
