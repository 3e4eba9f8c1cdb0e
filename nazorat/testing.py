"""Small builders for tests: real rows made through the real services."""

from __future__ import annotations

import itertools

from nazorat.orgs import services as org_services
from nazorat.orgs.models import Organisation
from nazorat.territories.models import Level, Territory

_counter = itertools.count(1)

PASSWORD = "test-password-123"


def territory(code: str, name: str | None = None) -> Territory:
    """The territory with this SOATO code, created (with its parents) if the test database lacks it."""
    existing = Territory.objects.filter(code=code).first()
    if existing:
        return existing
    level = {4: Level.REGION, 7: Level.DISTRICT, 10: Level.MAHALLA}[len(code)]
    parent = None
    if level == Level.DISTRICT:
        parent = territory(code[:4])
    elif level == Level.MAHALLA:
        parent = territory(code[:7])
    kind = {Level.REGION: "region", Level.DISTRICT: "district", Level.MAHALLA: "mahalla"}[level]
    t = Territory(code=code, level=level, kind=kind, parent=parent, name_uz=name or f"Hudud {code}")
    t.save()
    return t


def org(
    *,
    kind: str = "hokimlik",
    level: str | None = None,
    territory_code: str | None = "1714",
    parent: Organisation | None = None,
    name: str | None = None,
    code: str | None = None,
    **fields,
) -> Organisation:
    n = next(_counter)
    t = territory(territory_code) if territory_code else None
    if level is None:
        level = "republic" if t is None else ("region" if len(t.code) == 4 else "district")
    return org_services.organisation_create(
        actor=None, code=code or f"org-{n}", name_uz=name or f"Tashkilot {n}", kind=kind, level=level,
        territory=t, parent=parent, **fields,
    )


def person(*, username: str | None = None, first_name: str = "Test", last_name: str | None = None, **kwargs):
    n = next(_counter)
    return org_services.person_create(
        actor=None, username=username or f"user{n}", first_name=first_name, last_name=last_name or f"Foydalanuvchi{n}",
        password=kwargs.pop("password", PASSWORD), **kwargs,
    )


def staff(organisation: Organisation, *, position: str = "specialist", roles=("executor",), username=None,
          title: str = "", **kwargs):
    user = person(username=username, **kwargs)
    org_services.membership_create(actor=None, user=user, organisation=organisation, position=position,
                                   roles=roles, title=title)
    return user


def citizen(**kwargs):
    return person(kind="individual", **kwargs)
