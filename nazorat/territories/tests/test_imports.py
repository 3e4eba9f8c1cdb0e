"""Mahalla CSV import: all rows or none, every problem named with its line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from nazorat import testing
from nazorat.core.models import Event
from nazorat.territories.imports import import_mahallas
from nazorat.territories.models import Kind, Level, Territory

pytestmark = pytest.mark.django_db

HEADER = "code,district_code,name_uz,name_uz_cyrl,name_ru,name_en\n"
GOOD = (
    HEADER
    + "1714204101,1714204,Navbahor MFY,Навбаҳор МФЙ,махалля «Навбахор»,Navbahor mahalla\n"
    + "1714204102,1714204,Bog'ishamol MFY,,,\n"
    + '1726294101,1726294,"Doʻstlik, Yangi hayot MFY",,,\n'
)


def mahallas():
    return Territory.objects.filter(level=Level.MAHALLA)


def test_good_file_imports_all_rows_with_names_and_one_event():
    result = import_mahallas(data=GOOD.encode(), file_name="mahallas.csv")
    assert result.ok, result.error_lines()
    assert (result.created, result.updated) == (3, 0)
    navbahor = Territory.objects.get(code="1714204101")
    assert navbahor.level == Level.MAHALLA and navbahor.kind == Kind.MAHALLA
    assert navbahor.parent_id == "1714204"
    assert navbahor.name_ru == "махалля «Навбахор»"
    bogishamol = Territory.objects.get(code="1714204102")
    assert bogishamol.name_uz == "Bog\u02bbishamol MFY"  # apostrophe normalised to U+02BB
    assert bogishamol.name_uz_cyrl == "Боғишамол МФЙ"  # filled by transliteration
    assert bogishamol.search_text  # searchable like every territory
    assert Territory.objects.get(code="1726294101").name_uz == "Do\u02bbstlik, Yangi hayot MFY"
    event = Event.objects.get(action="territory.mahallas_imported")
    assert event.payload["created"] == 3 and event.payload["file"] == "mahallas.csv"


def test_reimport_updates_changed_rows_and_is_idempotent():
    import_mahallas(data=GOOD.encode(), file_name="a.csv")
    again = import_mahallas(data=GOOD.encode(), file_name="a.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = GOOD.replace("Navbahor MFY", "Navbahor-2 MFY")
    third = import_mahallas(data=changed.encode(), file_name="a.csv")
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    assert Territory.objects.get(code="1714204101").name_uz == "Navbahor-2 MFY"


def test_semicolon_delimiter_and_bom_are_accepted():
    data = "\ufeff" + GOOD.replace(",", ";").replace('"Doʻstlik; Yangi hayot MFY"', '"Doʻstlik, Yangi hayot MFY"')
    result = import_mahallas(data=data.encode("utf-8"), file_name="excel.csv")
    assert result.ok, result.error_lines()
    assert mahallas().count() == 3


def test_bad_rows_are_all_reported_with_line_numbers_and_nothing_is_imported():
    data = (
        HEADER
        + "1714204101,1714204,Navbahor MFY,,,\n"        # line 2: good
        + "1703202101,1714204,Istiqlol MFY,,,\n"        # line 3: wrong prefix
        + "1714999101,1714999,Guliston MFY,,,\n"        # line 4: unknown district
        + "1714204103,1714204,,,,\n"                    # line 5: empty name
        + "1714204101,1714204,Doʻstlik MFY,,,\n"        # line 6: duplicate of line 2
        + "17142041,1714204,Obod MFY,,,\n"              # line 7: too short
        + "1714101,1714,Obod MFY,,,\n"                  # line 8: parent is a region
    )
    result = import_mahallas(data=data.encode(), file_name="bad.csv")
    assert not result.ok
    report = "\n".join(result.error_lines())
    assert "line 3: mahalla code '1703202101' does not start with its district code '1714204'" in report
    assert "line 4: district '1714999' not found" in report
    assert "line 5: the name in Uzbek (Latin), name_uz, is empty" in report
    assert "line 6: code '1714204101' is already used on line 2" in report
    assert "line 7: mahalla code '17142041' must have 10 digits" in report
    assert "line 8: district code '1714' must have 7 digits" in report
    assert not [line for line in result.error_lines() if line.startswith("line 2:")]
    assert mahallas().count() == 0
    assert not Event.objects.filter(action="territory.mahallas_imported").exists()


def test_header_problems_are_reported_before_any_row():
    result = import_mahallas(data=b"code,district,nam_uz\n1714204101,1714204,X\n", file_name="x.csv")
    report = "\n".join(result.error_lines())
    assert "line 1: required column(s) missing: district_code, name_uz" in report
    assert "unknown column(s) district, nam_uz" in report


def test_not_utf8_and_empty_files_are_refused_clearly():
    assert "not UTF-8" in import_mahallas(data="code;Навбахор".encode("cp1251"), file_name="x").error_lines()[0]
    assert import_mahallas(data=b"", file_name="x").error_lines() == ["The file is empty."]
    assert "no data rows" in import_mahallas(data=HEADER.encode(), file_name="x").error_lines()[0]


def test_row_with_wrong_number_of_values_names_its_line():
    data = HEADER + "1714204101;1714204;Navbahor MFY;;;\n"
    result = import_mahallas(data=data.encode(), file_name="x.csv")
    assert result.error_lines() == ["line 2: expected 6 values, found 1"]


def test_dry_run_validates_without_writing():
    result = import_mahallas(data=GOOD.encode(), file_name="x.csv", dry_run=True)
    assert result.ok and result.details["rows"] == 3
    assert mahallas().count() == 0


def test_command_imports_and_records_the_actor(tmp_path):
    admin = testing.person(username="admin1")
    path = tmp_path / "mahallas.csv"
    path.write_text(GOOD, encoding="utf-8")
    out = StringIO()
    call_command("import_mahallas", str(path), "--actor", "admin1", stdout=out)
    assert "Mahallas: 3 created, 0 updated, 0 unchanged." in out.getvalue()
    assert Event.objects.get(action="territory.mahallas_imported").actor == admin


def test_command_exits_with_status_1_and_imports_nothing_on_a_bad_file(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "1714204101,1714204,Navbahor MFY,,,\n1714999101,1714999,X MFY,,,\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_mahallas", str(path), stderr=err)
    assert exc.value.returncode == 1
    assert "nothing was imported" in str(exc.value)
    assert "line 3: district '1714999' not found" in err.getvalue()
    assert mahallas().count() == 0


def test_command_exit_status_from_the_shell(tmp_path):
    """What a deployment script sees: a non-zero exit status and the report on stderr. (A header
    problem, so the check never reaches the database this separate process would open.)"""
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "bad.csv"
    path.write_text("code,district_code\n1714204101,1714204\n", encoding="utf-8")
    repo = Path(__file__).resolve().parents[3]
    proc = subprocess.run(
        [sys.executable, "manage.py", "import_mahallas", str(path), "--dry-run"],
        cwd=repo, capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "nazorat.settings_test"},
    )
    assert proc.returncode == 1
    # the command speaks the default language, Uzbek
    assert "1-qator" in proc.stderr and "name_uz" in proc.stderr
    assert "hech narsa import qilinmadi" in proc.stderr


def test_unknown_actor_is_refused(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(GOOD, encoding="utf-8")
    with pytest.raises(CommandError, match="nobody"):
        call_command("import_mahallas", str(path), "--actor", "nobody")
    assert mahallas().count() == 0
