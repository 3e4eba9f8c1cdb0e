"""CSV imports of organisations and staff (R-E1): how a region's bodies and people arrive in bulk.

Same contract as the mahalla import: validate every row first (against the file and the database),
report every problem with its line number, write nothing if anything is wrong; otherwise write all rows
in one transaction *through the services* in ``orgs/services.py``, so each organisation, unit, person and
membership gets the same checks and audit event as when created by hand. Should a service still refuse a
row (a check added there later, a race with another writer), the whole import is rolled back and that
refusal is reported against its line like any other problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from nazorat.accounts.models import AccountKind, User
from nazorat.accounts.phones import normalise_phone
from nazorat.core import events
from nazorat.territories.csvio import CsvRow, ImportResult, read_csv
from nazorat.territories.models import Level as TerritoryLevel
from nazorat.territories.models import Territory
from nazorat.territories.names import normalise_uz_latin

from . import services
from .models import Organisation, OrgKind, OrgLevel, Position, Role, Sector, Unit

ORGANISATION_REQUIRED = ("code", "kind", "level", "name_uz")
ORGANISATION_OPTIONAL = (
    "parent_code", "territory_code", "name_uz_cyrl", "name_ru", "name_en", "short_name_uz", "sector",
    "work_week", "tin", "address", "email", "phone",
)
STAFF_REQUIRED = ("username", "last_name", "first_name", "organisation_code", "position")
STAFF_OPTIONAL = ("patronymic", "email", "phone", "unit", "title", "roles", "password")

# The territory level an organisation of each level sits on.
_TERRITORY_LEVEL_FOR = {OrgLevel.REGION: TerritoryLevel.REGION, OrgLevel.DISTRICT: TerritoryLevel.DISTRICT}


class _Rollback(Exception):
    """Raised inside the import transaction to undo everything after a service refused a row."""


def _service_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}: {m}" if field != "__all__" else str(m)
                for field, messages in exc.message_dict.items() for m in messages]
    return list(exc.messages)


def _choice_error(column: str, value: str, choices: list[str]) -> str:
    return _("unknown %(column)s '%(value)s'; use one of: %(choices)s") % {
        "column": column, "value": value, "choices": ", ".join(choices)}


def _check_length(problems: list[str], column: str, value: str, maximum: int) -> None:
    if len(value) > maximum:
        problems.append(_("%(column)s is longer than %(max)s characters") % {"column": column, "max": maximum})


# --------------------------------------------------------------------------------------------------------
# Organisations


@dataclass
class _OrganisationPlan:
    line: int
    code: str
    parent_code: str
    territory: Territory | None
    fields: dict = field(default_factory=dict)


def _validate_organisations(rows: list[CsvRow]) -> tuple[list[_OrganisationPlan], list[tuple[int, str]]]:
    errors: list[tuple[int, str]] = []
    plans: list[_OrganisationPlan] = []
    first_line_of: dict[str, int] = {}
    for row in rows:
        first_line_of.setdefault(row["code"].lower(), row.line)
    codes = {r["code"].lower() for r in rows} | {r["parent_code"].lower() for r in rows if r["parent_code"]}
    in_db = set(Organisation.objects.annotate(key=Lower("code")).filter(key__in=codes)
                .values_list("key", flat=True))
    territories = Territory.objects.in_bulk({r["territory_code"] for r in rows if r["territory_code"]})
    seen: set[str] = set()

    for row in rows:
        problems: list[str] = []
        code, parent_code = row["code"], row["parent_code"]
        key = code.lower()
        if not code:
            problems.append(_("the code is empty"))
        else:
            try:
                validate_slug(code)
            except ValidationError:
                problems.append(_("code '%(code)s' may contain only Latin letters, digits, '-' and '_'")
                                % {"code": code})
            _check_length(problems, "code", code, 64)
            if key in seen:
                problems.append(_("code '%(code)s' is already used on line %(line)s") % {
                    "code": code, "line": first_line_of[key]})
            elif key in in_db:
                problems.append(_("an organisation with code '%(code)s' already exists") % {"code": code})
        if parent_code:
            parent_key = parent_code.lower()
            if parent_key == key:
                problems.append(_("organisation '%(code)s' cannot be its own parent") % {"code": code})
            elif parent_key not in seen and parent_key not in in_db:
                if parent_key in first_line_of:
                    problems.append(
                        _("parent organisation '%(parent)s' is defined later, on line %(line)s; "
                          "put parents before their subordinate bodies")
                        % {"parent": parent_code, "line": first_line_of[parent_key]})
                else:
                    problems.append(_("parent organisation '%(parent)s' not found") % {"parent": parent_code})
        if code:
            seen.add(key)

        kind, level = row["kind"].lower(), row["level"].lower()
        if kind not in OrgKind.values:
            problems.append(_choice_error("kind", row["kind"], OrgKind.values))
        if level not in OrgLevel.values:
            problems.append(_choice_error("level", row["level"], OrgLevel.values))
        territory = None
        territory_code = row["territory_code"]
        if territory_code:
            territory = territories.get(territory_code)
            if territory is None:
                problems.append(_("territory '%(code)s' not found") % {"code": territory_code})
            elif level == OrgLevel.REPUBLIC:
                problems.append(_("a republican body has no territory; leave territory_code empty"))
            elif level in _TERRITORY_LEVEL_FOR and territory.level != _TERRITORY_LEVEL_FOR[level]:
                problems.append(
                    _("a %(level)s-level body needs a %(expected)s, but '%(code)s' is a %(actual)s") % {
                        "level": level, "expected": TerritoryLevel(_TERRITORY_LEVEL_FOR[level]).label.lower(),
                        "code": territory_code, "actual": territory.get_level_display().lower()})
        elif level in _TERRITORY_LEVEL_FOR:
            problems.append(_("a %(level)s-level body needs a territory_code") % {"level": level})

        name_uz = normalise_uz_latin(row["name_uz"])
        if not name_uz:
            problems.append(_("the name in Uzbek (Latin), name_uz, is empty"))
        sector = row["sector"].lower() or Sector.GENERAL
        if sector not in Sector.values:
            problems.append(_choice_error("sector", row["sector"], Sector.values))
        work_week = row["work_week"] or "5"
        if work_week not in {"5", "6"}:
            problems.append(_("work_week must be 5 or 6, not '%(value)s'") % {"value": row["work_week"]})
        tin = row["tin"]
        if tin and not (tin.isdigit() and len(tin) == 9):
            problems.append(_("tin (STIR) '%(value)s' must have 9 digits") % {"value": tin})
        email = row["email"]
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_("'%(value)s' is not a valid e-mail address") % {"value": email})
        phone = ""
        if row["phone"]:
            phone = normalise_phone(row["phone"]) or ""
            if not phone:
                problems.append(_("phone '%(value)s' is not an Uzbek number like +998 71 123 45 67") % {
                    "value": row["phone"]})
        names = {"name_uz": name_uz, "name_uz_cyrl": row["name_uz_cyrl"], "name_ru": row["name_ru"],
                 "name_en": row["name_en"]}
        for column, value in names.items():
            _check_length(problems, column, value, 300)
        _check_length(problems, "short_name_uz", row["short_name_uz"], 120)
        _check_length(problems, "address", row["address"], 300)

        if problems:
            errors.extend((row.line, p) for p in problems)
            continue
        plans.append(_OrganisationPlan(
            line=row.line, code=code, parent_code=parent_code, territory=territory,
            fields={
                "kind": kind, "level": level, **names, "short_name_uz": row["short_name_uz"],
                "sector": sector, "work_week": int(work_week), "tin": tin, "address": row["address"],
                "email": email, "phone": phone,
            },
        ))
    return plans, errors


def import_organisations(*, data: bytes | str, file_name: str, actor=None, dry_run: bool = False) -> ImportResult:
    """Validate and import an organisation CSV (see docs/imports.md); all rows or none."""
    table = read_csv(data, required=ORGANISATION_REQUIRED, optional=ORGANISATION_OPTIONAL)
    result = ImportResult(errors=list(table.errors), dry_run=dry_run)
    if table.errors:
        return result
    result.details["rows"] = len(table.rows)
    plans, errors = _validate_organisations(table.rows)
    if errors:
        result.errors = errors
        return result
    if dry_run:
        return result
    try:
        with transaction.atomic():
            by_code: dict[str, Organisation] = {}
            for plan in plans:
                parent = None
                if plan.parent_code:
                    parent = by_code.get(plan.parent_code.lower()) or Organisation.objects.get(
                        code__iexact=plan.parent_code)
                try:
                    org = services.organisation_create(
                        actor=actor, code=plan.code, territory=plan.territory, parent=parent, **plan.fields)
                except ValidationError as exc:
                    result.errors.extend((plan.line, m) for m in _service_messages(exc))
                    raise _Rollback from exc
                by_code[plan.code.lower()] = org
            events.record(action="organisation.batch_imported", actor=actor,
                          payload={"created": len(plans), "file": file_name})
    except _Rollback:
        return result
    result.created = len(plans)
    return result


# --------------------------------------------------------------------------------------------------------
# Staff


@dataclass
class _StaffPlan:
    line: int
    person: dict
    organisation: Organisation
    unit_name: str
    position: str
    title: str
    roles: list[str]


def _split_roles(value: str) -> list[str]:
    return [r.strip().lower() for r in value.split(";") if r.strip()]


def _validate_staff(rows: list[CsvRow]) -> tuple[list[_StaffPlan], list[tuple[int, str]]]:
    errors: list[tuple[int, str]] = []
    plans: list[_StaffPlan] = []
    usernames = {r["username"].lower() for r in rows if r["username"]}
    emails = {r["email"].lower() for r in rows if r["email"]}
    phones = {normalise_phone(r["phone"]) for r in rows if r["phone"]} - {None}
    # Login names and e-mails are unique regardless of case (login accepts either spelling).
    taken_usernames = set(User.objects.annotate(key=Lower("username")).filter(key__in=usernames)
                          .values_list("key", flat=True))
    taken_emails = set(User.objects.annotate(key=Lower("email")).filter(key__in=emails)
                       .values_list("key", flat=True))
    taken_phones = set(User.objects.filter(phone__in=phones).values_list("phone", flat=True))
    organisations = {o.code.lower(): o for o in Organisation.objects.annotate(key=Lower("code")).filter(
        key__in={r["organisation_code"].lower() for r in rows if r["organisation_code"]})}
    first_line: dict[tuple[str, str], int] = {}
    username_validator = User.username_validator

    for row in rows:
        problems: list[str] = []
        username = row["username"]
        if not username:
            problems.append(_("the login name (username) is empty"))
        else:
            try:
                username_validator(username)
            except ValidationError:
                problems.append(_("login name '%(username)s' may contain only letters, digits and @ . + - _")
                                % {"username": username})
            _check_length(problems, "username", username, 150)
            key = ("username", username.lower())
            if key in first_line:
                problems.append(_("login name '%(username)s' is already used on line %(line)s") % {
                    "username": username, "line": first_line[key]})
            else:
                first_line[key] = row.line
                if username.lower() in taken_usernames:
                    problems.append(_("login name '%(username)s' is already taken") % {"username": username})
        for column in ("last_name", "first_name"):
            if not row[column]:
                problems.append(_("%(column)s is empty") % {"column": column})
            _check_length(problems, column, row[column], 150)
        _check_length(problems, "patronymic", row["patronymic"], 150)

        email = row["email"]
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_("'%(value)s' is not a valid e-mail address") % {"value": email})
            else:
                key = ("email", email.lower())
                if key in first_line:
                    problems.append(_("e-mail '%(value)s' is already used on line %(line)s") % {
                        "value": email, "line": first_line[key]})
                else:
                    first_line[key] = row.line
                    if email.lower() in taken_emails:
                        problems.append(_("e-mail '%(value)s' belongs to another account") % {"value": email})
        phone = None
        if row["phone"]:
            phone = normalise_phone(row["phone"])
            if phone is None:
                problems.append(_("phone '%(value)s' is not an Uzbek number like +998 90 123 45 67") % {
                    "value": row["phone"]})
            else:
                key = ("phone", phone)
                if key in first_line:
                    problems.append(_("phone '%(value)s' is already used on line %(line)s") % {
                        "value": row["phone"], "line": first_line[key]})
                else:
                    first_line[key] = row.line
                    if phone in taken_phones:
                        problems.append(_("phone '%(value)s' belongs to another account") % {"value": row["phone"]})

        organisation = None
        if not row["organisation_code"]:
            problems.append(_("organisation_code is empty"))
        else:
            organisation = organisations.get(row["organisation_code"].lower())
            if organisation is None:
                problems.append(_("organisation '%(code)s' not found") % {"code": row["organisation_code"]})
        position = row["position"].lower()
        if position not in Position.values:
            problems.append(_choice_error("position", row["position"], Position.values))
        roles = _split_roles(row["roles"])
        bad_roles = [r for r in roles if r not in Role.values]
        if bad_roles:
            problems.append(_("unknown role(s) %(roles)s; use one or more of: %(choices)s (separated by ';')") % {
                "roles": ", ".join(f"'{r}'" for r in bad_roles), "choices": ", ".join(Role.values)})
        _check_length(problems, "title", row["title"], 255)
        _check_length(problems, "unit", row["unit"], 300)
        password = row["password"]
        if password:
            try:
                validate_password(password, user=User(username=username, first_name=row["first_name"],
                                                       last_name=row["last_name"], email=email or None))
            except ValidationError as exc:
                problems.extend(_("password: %(message)s") % {"message": m} for m in exc.messages)

        if problems:
            errors.extend((row.line, p) for p in problems)
            continue
        plans.append(_StaffPlan(
            line=row.line,
            person={"username": username, "first_name": row["first_name"], "last_name": row["last_name"],
                    "patronymic": row["patronymic"], "email": email or None, "phone": phone,
                    "password": password or None},
            organisation=organisation, unit_name=row["unit"], position=position, title=row["title"],
            roles=list(dict.fromkeys(roles)),
        ))
    return plans, errors


def import_staff(*, data: bytes | str, file_name: str, actor=None, dry_run: bool = False) -> ImportResult:
    """Validate and import a staff CSV (see docs/imports.md); all rows or none. Without a ``password``
    column the accounts get an unusable password: people set their own through password reset."""
    table = read_csv(data, required=STAFF_REQUIRED, optional=STAFF_OPTIONAL)
    result = ImportResult(errors=list(table.errors), dry_run=dry_run)
    if table.errors:
        return result
    result.details["rows"] = len(table.rows)
    plans, errors = _validate_staff(table.rows)
    if errors:
        result.errors = errors
        return result
    if dry_run:
        return result
    units_created = 0
    try:
        with transaction.atomic():
            units: dict[tuple[int, str], Unit] = {}
            for plan in plans:
                try:
                    user = services.person_create(actor=actor, kind=AccountKind.STAFF, **plan.person)
                    unit = None
                    if plan.unit_name:
                        unit_key = (plan.organisation.pk, plan.unit_name.lower())
                        unit = units.get(unit_key) or Unit.objects.filter(
                            organisation=plan.organisation, name_uz__iexact=plan.unit_name).first()
                        if unit is None:
                            unit = services.unit_create(actor=actor, organisation=plan.organisation,
                                                        name_uz=plan.unit_name)
                            units_created += 1
                        units[unit_key] = unit
                    services.membership_create(actor=actor, user=user, organisation=plan.organisation,
                                               position=plan.position, roles=plan.roles, title=plan.title,
                                               unit=unit)
                except ValidationError as exc:
                    result.errors.extend((plan.line, m) for m in _service_messages(exc))
                    raise _Rollback from exc
            events.record(action="person.batch_imported", actor=actor,
                          payload={"created": len(plans), "units_created": units_created, "file": file_name})
    except _Rollback:
        return result
    result.created = len(plans)
    result.details["units_created"] = units_created
    return result
