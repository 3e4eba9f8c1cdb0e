"""The shipped reference data: what an administrator or citizen picking a district would notice."""

from __future__ import annotations

import json
import re
import sys

import pytest

from nazorat.territories.loading import DATA_FILE, load_territories, read_reference_data
from nazorat.territories.models import Kind, Level, Territory

ROWS = read_reference_data()
BAD_APOSTROPHE = re.compile(r"[oOgG]['`‘’ʼ]|['`‘’]")


def test_fourteen_first_level_units_with_capital_and_republic():
    regions = {r["code"]: r for r in ROWS if r["level"] == "region"}
    assert len(regions) == 14
    assert all(len(code) == 4 and code.startswith("17") for code in regions)
    assert regions["1726"]["kind"] == "capital"
    assert regions["1735"]["kind"] == "republic"
    assert {r["kind"] for code, r in regions.items() if code not in {"1726", "1735"}} == {"region"}


def test_every_district_nests_under_its_region_with_seven_digits():
    regions = {r["code"] for r in ROWS if r["level"] == "region"}
    districts = [r for r in ROWS if r["level"] == "district"]
    assert len(districts) >= 190
    for row in districts:
        assert re.fullmatch(r"\d{7}", row["code"]), row
        assert row["parent"] in regions, row
        assert row["code"].startswith(row["parent"]), row
        assert row["kind"] in {"district", "city", "city_district"}, row


def test_no_grouping_rows_survive():
    """SOATO's "districts of region X" rows (…200, …260, …400) are not places a citizen lives in."""
    for row in ROWS:
        assert row["code"][4:] not in {"200", "260", "400"}, row
        assert not re.search(r"tumanlari|shaharlari|shaharlar$", row["name_uz"]), row


def test_all_four_names_present_and_unique_codes():
    codes = [r["code"] for r in ROWS]
    assert len(codes) == len(set(codes))
    for row in ROWS:
        for field in ("name_uz", "name_uz_cyrl", "name_ru", "name_en"):
            assert row[field] and row[field].strip() == row[field], (row["code"], field)


def test_latin_names_use_the_official_apostrophes():
    for row in ROWS:
        assert not BAD_APOSTROPHE.search(row["name_uz"]), row["name_uz"]
    names = {r["code"]: r["name_uz"] for r in ROWS}
    assert names["1735"] == "Qoraqalpog\u02bbiston Respublikasi"
    assert names["1733221"] == "Tuproqqal\u02bca tumani"  # tutuq belgisi, U+02BC


def test_cyrillic_and_russian_names_are_pure_cyrillic():
    """The SOATO fixture hides Latin 'p' in Russian names ("Улугноpский"); they would never be found."""
    for row in ROWS:
        for field in ("name_uz_cyrl", "name_ru"):
            assert not re.search(r"[A-Za-z]", row[field]), (row["code"], row[field])


def test_tashkent_city_has_its_twelve_districts():
    tashkent = [r for r in ROWS if r["parent"] == "1726"]
    assert len(tashkent) == 12
    assert {r["kind"] for r in tashkent} == {"city_district"}
    assert "Yangihayot tumani" in {r["name_uz"] for r in tashkent}


def test_file_is_what_the_build_script_writes(tmp_path):
    """The committed file is reproducible from the shared sources (skipped where they are absent)."""
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[3] / "scripts" / "build_territories.py"
    spec = importlib.util.spec_from_file_location("build_territories", script)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve string annotations through sys.modules
    spec.loader.exec_module(module)
    if not (module.DEFAULT_SOURCE / "soato-2021.json").exists():
        pytest.skip("shared source data not available")
    rows, _summary = module.build(module.DEFAULT_SOURCE)
    out = tmp_path / "territories.json"
    module.write(rows, out)
    assert out.read_bytes() == DATA_FILE.read_bytes()


@pytest.mark.django_db
def test_migration_loaded_the_tree_with_search_text():
    assert Territory.objects.regions().count() == 14
    assert Territory.objects.districts().count() == sum(1 for r in ROWS if r["level"] == "district")
    tashkent = Territory.objects.get(code="1726")
    assert tashkent.kind == Kind.CAPITAL
    assert tashkent.children.count() == 12
    chilonzor = Territory.objects.get(code="1726294")
    assert chilonzor.parent_id == "1726" and chilonzor.level == Level.DISTRICT
    assert chilonzor.name_uz == "Chilonzor tumani" and chilonzor.name_ru == "Чиланзарский район"
    # Latin and Cyrillic spellings fold to the same search text.
    from nazorat.core.text import fold

    assert fold("Чилонзор") in chilonzor.search_text
    assert fold("Chilonzor") in chilonzor.search_text


@pytest.mark.django_db
def test_reloading_is_idempotent_and_repairs_edits():
    first = load_territories(model=Territory)
    assert first.created == 0 and first.updated == 0 and first.unchanged == len(ROWS)
    Territory.objects.filter(code="1714").update(name_uz="Tahrirlangan", is_active=False)
    second = load_territories(model=Territory)
    assert second.updated == 1
    region = Territory.objects.get(code="1714")
    assert region.name_uz == "Namangan viloyati" and region.is_active


@pytest.mark.django_db
def test_load_territories_command_reports_counts():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_territories", stdout=out)
    assert f"{len(ROWS)} unchanged" in out.getvalue()


def test_data_file_is_valid_json_with_sources():
    document = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert {s["licence"] for s in document["meta"]["sources"]} == {"MIT"}
