"""Organisation and staff CSV imports: all rows or none, through the services, every problem by line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from nazorat import testing
from nazorat.accounts.models import AccountKind, User
from nazorat.core.models import Event
from nazorat.orgs.imports import import_organisations, import_staff
from nazorat.orgs.models import Membership, Organisation, Unit

pytestmark = pytest.mark.django_db

ORG_HEADER = ("code,parent_code,kind,level,territory_code,name_uz,name_uz_cyrl,name_ru,name_en,short_name_uz,"
              "sector,work_week,tin,address,email,phone\n")
ORGS = (
    ORG_HEADER
    + "nam-hok,,hokimlik,region,1714,Namangan viloyati hokimligi,,Хокимият Наманганской области,"
      "Namangan Regional Khokimiyat,Viloyat hokimligi,general,5,201234567,\"Namangan sh., Navoiy koʻchasi, 1\","
      "info@namangan.uz,+998 69 227 00 00\n"
    + "nam-shahar-hok,nam-hok,hokimlik,district,1714401,Namangan shahar hokimligi,,,,,,6,,,,\n"
    + "nam-suv,nam-hok,utility,region,1714,Namangan suvoqova,,,,,water,,,,,69 227 11 11\n"
    + "minstroy,,ministry,republic,,Qurilish vazirligi,,,,,construction,,,,,\n"
)

STAFF_HEADER = "username,last_name,first_name,patronymic,email,phone,organisation_code,unit,position,title,roles\n"


def test_good_organisation_file_imports_the_tree_through_the_services():
    result = import_organisations(data=ORGS.encode(), file_name="orgs.csv")
    assert result.ok, result.error_lines()
    assert result.created == 4
    region = Organisation.objects.get(code="nam-hok")
    city = Organisation.objects.get(code="nam-shahar-hok")
    assert city.parent == region and city.path.startswith(region.path)
    assert city.work_week == 6 and city.territory_id == "1714401"
    assert region.name_ru == "Хокимият Наманганской области"
    assert region.name_uz_cyrl  # transliterated by the service
    assert region.phone == "+998692270000"  # canonical form
    assert region.address == "Namangan sh., Navoiy koʻchasi, 1"
    assert Organisation.objects.get(code="nam-suv").sector == "water"
    assert Organisation.objects.get(code="minstroy").territory is None
    assert Event.objects.filter(action="organisation.created").count() == 4
    assert Event.objects.get(action="organisation.batch_imported").payload == {"created": 4, "file": "orgs.csv"}


def test_parent_may_already_exist_in_the_database():
    testing.org(code="nam-hok", territory_code="1714")
    data = ORG_HEADER + "nam-pop-hok,nam-hok,hokimlik,district,1714219,Pop tumani hokimligi,,,,,,,,,,\n"
    result = import_organisations(data=data.encode(), file_name="o.csv")
    assert result.ok, result.error_lines()
    assert Organisation.objects.get(code="nam-pop-hok").parent.code == "nam-hok"


def test_one_bad_organisation_row_imports_nothing_and_names_the_line():
    data = ORGS + "nam-pop-hok,nam-hok-typo,hokimlik,district,1714219,Pop tumani hokimligi,,,,,,,,,,\n"
    result = import_organisations(data=data.encode(), file_name="o.csv")
    assert result.error_lines() == ["line 6: parent organisation 'nam-hok-typo' not found"]
    assert not Organisation.objects.exists()
    assert not Event.objects.exists()


def test_every_organisation_problem_is_reported():
    testing.org(code="taken", territory_code="1714")
    data = (
        ORG_HEADER
        + "taken,,hokimlik,region,1714,A,,,,,,,,,,\n"                       # 2 exists in DB
        + "child,later,hokimlik,district,1714401,B,,,,,,,,,,\n"             # 3 parent defined later
        + "later,,hokimlik,region,1714,C,,,,,,,,,,\n"                       # 4 fine
        + "later,,hokimlik,region,1714,D,,,,,,,,,,\n"                       # 5 duplicate in file
        + "x1,,castle,county,1714,E,,,,,,,,,,\n"                            # 6 bad kind and level
        + "x2,,hokimlik,district,1714,F,,,,,,,,,,\n"                        # 7 district body on a region
        + "x3,,hokimlik,region,1799,G,,,,,,,,,,\n"                          # 8 unknown territory
        + "x4,,ministry,republic,,,,,,,energy,7,12345,,not-an-email,123\n"  # 9 many problems
        + "Bad Code!,,hokimlik,region,1714,H,,,,,,,,,,\n"                   # 10 not a slug
        + "x5,,hokimlik,region,,I,,,,,,,,,,\n"                              # 11 no territory
    )
    result = import_organisations(data=data.encode(), file_name="o.csv")
    report = result.error_lines()
    expected = [
        "line 2: an organisation with code 'taken' already exists",
        "line 3: parent organisation 'later' is defined later, on line 4; put parents before their subordinate bodies",
        "line 5: code 'later' is already used on line 4",
        "line 6: unknown kind 'castle'; use one of:",
        "line 6: unknown level 'county'; use one of: republic, region, district",
        "line 7: a district-level body needs a district or city, but '1714' is a region",
        "line 8: territory '1799' not found",
        "line 9: the name in Uzbek (Latin), name_uz, is empty",
        "line 9: unknown sector 'energy'",
        "line 9: work_week must be 5 or 6, not '7'",
        "line 9: tin (STIR) '12345' must have 9 digits",
        "line 9: 'not-an-email' is not a valid e-mail address",
        "line 9: phone '123' is not an Uzbek number",
        "line 10: code 'Bad Code!' may contain only Latin letters, digits, '-' and '_'",
        "line 11: a region-level body needs a territory_code",
    ]
    for fragment in expected:
        assert any(line.startswith(fragment) for line in report), (fragment, report)
    assert not any(line.startswith("line 4:") for line in report)
    assert Organisation.objects.count() == 1


def _import_orgs():
    result = import_organisations(data=ORGS.encode(), file_name="orgs.csv")
    assert result.ok, result.error_lines()


def test_good_staff_file_creates_people_units_and_memberships_with_events():
    _import_orgs()
    data = (
        STAFF_HEADER
        + "a.karimov,Karimov,Akmal,Anvarovich,a.karimov@namangan.uz,+998 90 123 45 67,nam-hok,,head,"
          "Viloyat hokimi,signatory;controller\n"
        + "d.tosheva,Tosheva,Dilnoza,,,,nam-hok,Murojaatlar boʻlimi,unit_head,,executor ; reviewer\n"
        + "s.aliyev,Aliyev,Sardor,,,90 765 43 21,nam-hok,murojaatlar boʻlimi,specialist,,executor\n"
        + "n.yusupov,Yusupov,Nodir,,,,NAM-SUV,,specialist,,\n"
    )
    result = import_staff(data=data.encode(), file_name="staff.csv")
    assert result.ok, result.error_lines()
    assert result.created == 4 and result.details["units_created"] == 1
    head = User.objects.get(username="a.karimov")
    assert head.kind == AccountKind.STAFF and head.phone == "+998901234567"
    assert not head.has_usable_password()  # people set their own through password reset
    membership = Membership.objects.get(user=head)
    assert membership.position == "head" and membership.title == "Viloyat hokimi"
    assert membership.role_codes == {"signatory", "controller"}
    unit = Unit.objects.get(organisation__code="nam-hok")
    assert {m.user.username for m in unit.memberships.all()} == {"d.tosheva", "s.aliyev"}
    assert Membership.objects.get(user__username="d.tosheva").role_codes == {"executor", "reviewer"}
    assert Event.objects.filter(action="person.created").count() == 4
    assert Event.objects.filter(action="membership.created").count() == 4
    assert Event.objects.filter(action="unit.created").count() == 1
    assert Event.objects.filter(action="person.batch_imported").count() == 1


def test_optional_password_column_sets_a_usable_password():
    _import_orgs()
    data = ("username,last_name,first_name,organisation_code,position,password\n"
            "b.rahimov,Rahimov,Bobur,nam-hok,specialist,Qovun-Tarvuz-2026\n")
    result = import_staff(data=data.encode(), file_name="s.csv")
    assert result.ok, result.error_lines()
    assert User.objects.get(username="b.rahimov").check_password("Qovun-Tarvuz-2026")


def test_one_bad_staff_row_imports_nothing_and_names_the_line():
    _import_orgs()
    events_before = Event.objects.count()
    data = (
        STAFF_HEADER
        + "a.karimov,Karimov,Akmal,,,,nam-hok,Yangi boʻlim,head,,signatory\n"
        + "d.tosheva,Tosheva,Dilnoza,,,,nam-hokk,,specialist,,executor\n"
    )
    result = import_staff(data=data.encode(), file_name="s.csv")
    assert result.error_lines() == ["line 3: organisation 'nam-hokk' not found"]
    assert not User.objects.filter(username__in=["a.karimov", "d.tosheva"]).exists()
    assert not Unit.objects.exists()
    assert Event.objects.count() == events_before


def test_every_staff_problem_is_reported():
    _import_orgs()
    testing.person(username="taken", email="taken@example.uz", phone="+998901111111")
    data = (
        STAFF_HEADER
        + "Taken,A,B,,,,nam-hok,,specialist,,\n"                                   # 2 username taken (any case)
        + "u1,A,B,,taken@example.uz,90 111 11 11,nam-hok,,specialist,,\n"          # 3 e-mail and phone taken
        + "u2,,,,bad@,12,nam-hok,,boss,,executor;king\n"                           # 4 many
        + "u3,A,B,,x@example.uz,,nam-hok,,specialist,,\n"                          # 5 fine
        + "U3,A,B,,X@example.uz,,nam-hok,,specialist,,\n"                          # 6 duplicates of line 5
        + "u 4,A,B,,,,,,specialist,,\n"                                            # 7 bad username, no org
    )
    result = import_staff(data=data.encode(), file_name="s.csv")
    report = result.error_lines()
    expected = [
        "line 2: login name 'Taken' is already taken",
        "line 3: e-mail 'taken@example.uz' belongs to another account",
        "line 3: phone '90 111 11 11' belongs to another account",
        "line 4: last_name is empty",
        "line 4: first_name is empty",
        "line 4: 'bad@' is not a valid e-mail address",
        "line 4: phone '12' is not an Uzbek number",
        "line 4: unknown position 'boss'; use one of: head, first_deputy, deputy, unit_head, specialist",
        "line 4: unknown role(s) 'king'; use one or more of:",
        "line 6: login name 'U3' is already used on line 5",
        "line 6: e-mail 'X@example.uz' is already used on line 5",
        "line 7: login name 'u 4' may contain only letters, digits and @ . + - _",
        "line 7: organisation_code is empty",
    ]
    for fragment in expected:
        assert any(line.startswith(fragment) for line in report), (fragment, report)
    assert not any(line.startswith("line 5:") for line in report)
    assert User.objects.count() == 1


def test_weak_password_is_reported_against_its_line():
    _import_orgs()
    data = "username,last_name,first_name,organisation_code,position,password\nu1,A,B,nam-hok,specialist,123\n"
    report = import_staff(data=data.encode(), file_name="s.csv").error_lines()
    assert report and all(line.startswith("line 2: password:") for line in report)


def test_commands_import_and_fail_with_exit_status_1(tmp_path):
    orgs = tmp_path / "orgs.csv"
    orgs.write_text(ORGS, encoding="utf-8")
    out = StringIO()
    call_command("import_organisations", str(orgs), stdout=out)
    assert "4 organisations created." in out.getvalue()

    staff = tmp_path / "staff.csv"
    staff.write_text(STAFF_HEADER + "u1,A,B,,,,nam-hok,Kadrlar,specialist,,executor\n"
                                    "u2,A,B,,,,missing,,specialist,,executor\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_staff", str(staff), stderr=err)
    assert exc.value.returncode == 1
    assert "line 3: organisation 'missing' not found" in err.getvalue()
    assert not User.objects.filter(username="u1").exists()

    staff.write_text(STAFF_HEADER + "u1,A,B,,,,nam-hok,Kadrlar,specialist,,executor\n", encoding="utf-8")
    out = StringIO()
    call_command("import_staff", str(staff), stdout=out)
    assert "1 staff accounts created, 1 units created." in out.getvalue()


def test_a_service_refusal_rolls_back_the_whole_import(monkeypatch):
    """Checks added to the services later still keep the all-or-nothing promise."""
    from django.core.exceptions import ValidationError

    from nazorat.orgs import services

    real = services.organisation_create

    def refuse_third(**kwargs):
        if kwargs["code"] == "nam-suv":
            raise ValidationError({"phone": "refused by the service"})
        return real(**kwargs)

    monkeypatch.setattr(services, "organisation_create", refuse_third)
    result = import_organisations(data=ORGS.encode(), file_name="o.csv")
    assert result.error_lines() == ["line 4: phone: refused by the service"]
    assert not Organisation.objects.exists()


def test_examples_in_the_docs_import_cleanly():
    """docs/imports.md is what administrators copy from; its examples must stay valid."""
    import re
    from pathlib import Path

    from nazorat.territories.imports import import_mahallas

    doc = (Path(__file__).resolve().parents[3] / "docs" / "imports.md").read_text(encoding="utf-8")
    mahallas, organisations, staff = re.findall(r"```csv\n(.*?)```", doc, flags=re.DOTALL)
    for service, data in ((import_mahallas, mahallas), (import_organisations, organisations),
                          (import_staff, staff)):
        result = service(data=data.encode(), file_name="example.csv")
        assert result.ok, result.error_lines()
        assert result.created >= 2
