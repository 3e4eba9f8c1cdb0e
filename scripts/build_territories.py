#!/usr/bin/env python
"""Build ``nazorat/territories/data/territories.json`` — the project's own territory reference file.

Why a build step: the two public packages each hold half of what we need. The SOATO fixture
(``uzsoato-registry``) has the official codes and Uzbek Latin/Cyrillic and Russian names but no English and
ASCII apostrophes; the ``uzbekistan`` package has English names but no codes and a few spelling slips.
Neither is used at run time: this script joins them once, deterministically, and the result is committed
and loaded by a data migration (``territories.0002``) and by ``manage.py load_territories``.

Usage (from the repository root, with the project's virtualenv):

    .venv/bin/python scripts/build_territories.py [--source DIR] [--output FILE]

``--source`` defaults to ``../shared/data/territories`` relative to the repository root.
Running it twice on the same input produces byte-identical output.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from nazorat.territories.names import (  # noqa: E402 - needs the path above
    ascii_fold,
    match_key,
    normalise_cyrillic,
    normalise_uz_latin,
)

DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "data" / "territories"
DEFAULT_OUTPUT = REPO_ROOT / "nazorat" / "territories" / "data" / "territories.json"

CAPITAL_CODE = "1726"
REPUBLIC_CODE = "1735"

# A pair is joined when its best similarity (Latin or Russian name) reaches this; spelling slips such as
# "Izbosgan"/"Izboskan" or "Pastargʻom"/"Pastdargʻom" score 0.85–0.95, different places below 0.75.
MATCH_THRESHOLD = 0.8
SAME_KIND_BONUS = 0.1

# SOATO spellings that transliterate an old Cyrillic form (х for ҳ). Corrected only where the
# ``uzbekistan`` package independently spells the name the official way, so two sources agree.
NAME_CORRECTIONS: dict[str, dict[str, str]] = {
    "1703227": {"uz": "Marhamat tumani", "uz_cyrl": "Марҳамат тумани"},
    "1703230": {"uz": "Shahrixon tumani", "uz_cyrl": "Шаҳрихон тумани"},
    "1726277": {"uz": "Shayxontohur tumani", "uz_cyrl": "Шайхонтоҳур тумани"},
    "1735250": {"uz": "Ellikqalʼa tumani", "uz_cyrl": "Элликқалъа тумани"},
}

# English names in the ``uzbekistan`` package that are mistranslations or typos ("Baxmal" is not
# "Velvet"); keyed by the package's base name, value is the conventional English spelling.
EN_CORRECTIONS: dict[str, str] = {
    "Angiren": "Angren",
    "Baghdad": "Bagdad",
    "Bektimer": "Bektemir",
    "Ghazgon": "Gazgan",
    "Izbosgan": "Izboskan",
    "Kegaili": "Kegeyli",
    "Komkurgan": "Kumkurgan",
    "Kokan": "Kokand",
    "Konlikol": "Kanlikul",
    "Kunirat": "Kungrad",
    "Kuychichik": "Kuyichirchik",
    "Merhamat": "Marhamat",
    "Pakhtakorsky": "Pakhtakor",
    "Pastargom": "Pastdargom",
    "Sariosia": "Sariasiya",
    "Sh.Rashidov": "Sharof Rashidov",
    "Takhtakorpir": "Takhtakupir",
    "Toylok": "Tayloq",
    "Tuparkkala": "Tuprakkala",
    "Ukurchirchik": "Yukorichirchik",
    "Uzkuduk": "Uchkuduk",
    "Velvet": "Bakhmal",
    "Yangariq": "Yangiarik",
    "Yangiye": "Yangiyer",
    "Yangyol": "Yangiyul",
    "Yozhiovon": "Yazyavan",
}

# Rows the package does not translate and a plain ASCII fold would mislead ("Boston").
EN_BY_CODE: dict[str, str] = {
    "1703209": "Buston district",
}

_GROUPING_LATIN = re.compile(r"(tumanlari|shaharlari+|shaharlar)$", re.IGNORECASE)
_GROUPING_RU = re.compile(r"^(районы|города|гоpода)\b", re.IGNORECASE)
_UZ_SUFFIX = re.compile(r"\s+(tumani|shahri)$", re.IGNORECASE)
_RU_DECOR = re.compile(r"^(город|г\.)\s+|\s+(район|город)$", re.IGNORECASE)
_EN_DECOR = re.compile(r"^(the\s+)?city\s+of\s+|\s+(district|city)$", re.IGNORECASE)


@dataclass
class Row:
    """One output row, before serialisation."""

    code: str
    level: str
    kind: str
    parent: str | None
    uz: str
    uz_cyrl: str
    ru: str
    en: str = ""
    en_source: str = ""  # "joined", "derived", "corrected" or "" — for the summary only

    def as_json(self) -> dict:
        return {
            "code": self.code, "level": self.level, "kind": self.kind, "parent": self.parent,
            "name_uz": self.uz, "name_uz_cyrl": self.uz_cyrl, "name_ru": self.ru, "name_en": self.en,
        }


@dataclass
class Candidate:
    """A row of the ``uzbekistan`` package, normalised for joining."""

    pk: int
    region_pk: int
    uz: str
    ru: str
    en: str
    kind: str  # what its own suffix says: "district", "city" or "region"


@dataclass
class Summary:
    counts: Counter = field(default_factory=Counter)
    grouping_dropped: list[str] = field(default_factory=list)
    unmatched_soato: list[str] = field(default_factory=list)
    unmatched_package: list[str] = field(default_factory=list)
    fuzzy_joins: list[str] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)


def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _latin_base(name: str) -> str:
    return match_key(_UZ_SUFFIX.sub("", normalise_uz_latin(name)))


def _ru_base(name: str) -> str:
    return _RU_DECOR.sub("", normalise_cyrillic(name)).lower().replace("-", " ").strip()


def _en_base(name: str) -> str:
    base = _EN_DECOR.sub("", (name or "").strip()).strip()
    return EN_CORRECTIONS.get(base, base)


def _uz_kind(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith("shahri"):
        return "city"
    if lowered.endswith("tumani"):
        return "district"
    return "region"


def _is_grouping(fields: dict) -> bool:
    latin, russian = fields["name"].strip(), fields["name_rus"].strip()
    by_name = bool(_GROUPING_LATIN.search(latin)) or bool(_GROUPING_RU.search(russian))
    by_code = fields["soato"][4:] in {"200", "260", "400"}
    if by_name != by_code:  # the two signals disagree: the data changed shape; stop rather than guess
        raise SystemExit(f"cannot classify SOATO row {fields['soato']} {latin!r} as grouping or not")
    return by_name


def _join(rows: list[Row], candidates: list[Candidate], summary: Summary, label: str) -> dict[str, Candidate]:
    """Join SOATO rows to package rows one-to-one, best pairs first; ties broken by code for determinism."""
    scored: list[tuple[float, str, int, Row, Candidate]] = []
    for row in rows:
        for cand in candidates:
            latin = _similarity(_latin_base(row.uz), _latin_base(cand.uz))
            russian = _similarity(_ru_base(row.ru), _ru_base(cand.ru))
            score = max(latin, russian)
            if score < MATCH_THRESHOLD:
                continue
            if row.kind in {"city", "capital"}:
                row_kind = "city"
            else:
                row_kind = "district" if row.level == "district" else "region"
            if cand.kind == row_kind:
                score += SAME_KIND_BONUS
            scored.append((score, row.code, cand.pk, row, cand))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    joined: dict[str, Candidate] = {}
    used: set[int] = set()
    for score, code, pk, row, cand in scored:
        if code in joined or pk in used:
            continue
        joined[code] = cand
        used.add(pk)
        if _latin_base(row.uz) != _latin_base(cand.uz):
            summary.fuzzy_joins.append(f"{label} {code} {row.uz!r} ~ {cand.uz!r} ({score:.2f})")
    for cand in candidates:
        if cand.pk not in used:
            summary.unmatched_package.append(f"{label} package #{cand.pk} {cand.uz!r} / {cand.ru!r}")
    return joined


def _english(row: Row, cand: Candidate | None) -> tuple[str, str]:
    """English name for a row: the package's translation when joined, else derived from the Latin name."""
    if row.level == "region":
        if row.kind == "capital":
            return "Tashkent city", "joined" if cand else "derived"
        if cand is not None and cand.en:
            return cand.en.strip(), "joined"
        base = ascii_fold(re.sub(r"\s+(viloyati|Respublikasi)$", "", row.uz))
        return (f"Republic of {base}" if row.kind == "republic" else f"{base} Region"), "derived"
    if row.code in EN_BY_CODE:
        return EN_BY_CODE[row.code], "corrected"
    if cand is not None and cand.en:
        base, source = _en_base(cand.en), "joined"
    else:
        base, source = ascii_fold(_UZ_SUFFIX.sub("", row.uz)), "derived"
    suffix = "city" if row.kind == "city" else "district"
    return f"{base} {suffix}", source


def build(source: Path) -> tuple[list[Row], Summary]:
    summary = Summary()
    soato = json.loads((source / "soato-2021.json").read_text(encoding="utf-8"))
    package_regions = yaml.safe_load((source / "regions.yaml").read_text(encoding="utf-8"))
    package_districts = yaml.safe_load((source / "districts.yaml").read_text(encoding="utf-8"))

    region_code_by_pk: dict[int, str] = {}
    regions: list[Row] = []
    districts: list[Row] = []
    for item in sorted(soato, key=lambda i: (i["model"], i["fields"]["soato"])):
        fields = item["fields"]
        code = fields["soato"].strip()
        if item["model"] == "soato.region":
            region_code_by_pk[item["pk"]] = code
            kind = {CAPITAL_CODE: "capital", REPUBLIC_CODE: "republic"}.get(code, "region")
            regions.append(Row(code=code, level="region", kind=kind, parent=None,
                               uz=normalise_uz_latin(fields["name"]), uz_cyrl=normalise_cyrillic(fields["name_cyr"]),
                               ru=normalise_cyrillic(fields["name_rus"])))
    for item in sorted(soato, key=lambda i: (i["model"], i["fields"]["soato"])):
        if item["model"] != "soato.district":
            continue
        fields = item["fields"]
        code = fields["soato"].strip()
        parent = region_code_by_pk[fields["region"]]
        if len(code) != 7 or not code.startswith(parent):
            raise SystemExit(f"SOATO row {code} does not nest under its region {parent}")
        if _is_grouping(fields):
            summary.grouping_dropped.append(f"{code} {fields['name']}")
            continue
        if parent == CAPITAL_CODE:
            kind = "city_district"
        elif code[4] == "2":
            kind = "district"
        elif code[4] == "4":
            kind = "city"
        else:
            raise SystemExit(f"unexpected SOATO district code {code}")
        uz = normalise_uz_latin(fields["name"])
        uz_cyrl = normalise_cyrillic(fields["name_cyr"])
        ru = normalise_cyrillic(fields["name_rus"])
        if kind == "city":
            # SOATO names cities bare ("Andijon"); a picker also lists "Andijon tumani", so say which.
            uz, uz_cyrl, ru = f"{uz} shahri", f"{uz_cyrl} шаҳри", f"город {ru}"
        districts.append(Row(code=code, level="district", kind=kind, parent=parent, uz=uz, uz_cyrl=uz_cyrl, ru=ru))

    for row in districts:
        correction = NAME_CORRECTIONS.get(row.code)
        if correction:
            summary.corrections.append(f"{row.code} {row.uz!r} → {correction['uz']!r}")
            row.uz, row.uz_cyrl = correction["uz"], correction["uz_cyrl"]

    region_candidates = [
        Candidate(pk=i["pk"], region_pk=i["pk"], uz=normalise_uz_latin(i["fields"]["name_uz"]),
                  ru=normalise_cyrillic(i["fields"]["name_ru"]), en=i["fields"].get("name_en") or "",
                  kind=_uz_kind(i["fields"]["name_uz"]))
        for i in sorted(package_regions, key=lambda i: i["pk"])
    ]
    region_join = _join(regions, region_candidates, summary, "region")
    package_region_to_code = {cand.pk: code for code, cand in region_join.items()}

    district_join: dict[str, Candidate] = {}
    all_district_candidates = [
        Candidate(pk=i["pk"], region_pk=i["fields"]["region"], uz=normalise_uz_latin(i["fields"]["name_uz"]),
                  ru=normalise_cyrillic(i["fields"]["name_ru"]), en=i["fields"].get("name_en") or "",
                  kind=_uz_kind(i["fields"]["name_uz"]))
        for i in sorted(package_districts, key=lambda i: i["pk"])
    ]
    for region in regions:
        in_region = [c for c in all_district_candidates if package_region_to_code.get(c.region_pk) == region.code]
        rows = [d for d in districts if d.parent == region.code]
        district_join.update(_join(rows, in_region, summary, f"district[{region.code}]"))
    orphans = [c for c in all_district_candidates if c.region_pk not in package_region_to_code]
    summary.unmatched_package.extend(f"district package #{c.pk} {c.uz!r} (region not joined)" for c in orphans)

    for row in regions:
        row.en, row.en_source = _english(row, region_join.get(row.code))
    for row in districts:
        row.en, row.en_source = _english(row, district_join.get(row.code))
        if row.en_source == "derived":
            summary.unmatched_soato.append(f"{row.code} {row.uz!r} → derived English {row.en!r}")

    result = sorted(regions + districts, key=lambda r: r.code)
    for row in result:
        summary.counts[f"{row.level}/{row.kind}"] += 1
        for value in (row.uz, row.uz_cyrl, row.ru, row.en):
            if not value:
                raise SystemExit(f"row {row.code} has an empty name")
    return result, summary


def write(rows: list[Row], output: Path) -> None:
    document = {
        "meta": {
            "description": "Uzbekistan territory reference data: regions and districts/cities keyed by SOATO code.",
            "built_by": "scripts/build_territories.py",
            "sources": [
                {"name": "uzsoato-registry 0.1.3 fixture soato.json (stat.uz SOATO, 2021-04-15)", "licence": "MIT"},
                {"name": "uzbekistan 2.9.0 fixtures regions.yaml, districts.yaml", "licence": "MIT"},
            ],
        },
        "territories": [row.as_json() for row in rows],
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def print_summary(rows: list[Row], summary: Summary, output: Path) -> None:
    print(f"wrote {len(rows)} territories to {output}")
    for key in sorted(summary.counts):
        print(f"  {key:24} {summary.counts[key]}")
    sections = [
        ("grouping rows dropped", summary.grouping_dropped),
        ("joined despite spelling differences", summary.fuzzy_joins),
        ("spelling corrections applied", summary.corrections),
        ("SOATO rows without an English name in the package (English derived)", summary.unmatched_soato),
        ("package rows with no SOATO code (not in the output)", summary.unmatched_package),
    ]
    for title, items in sections:
        print(f"{title}: {len(items)}")
        for item in items:
            print(f"  {item}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help="directory with soato-2021.json, regions.yaml, districts.yaml "
                             "(default: ../shared/data/territories relative to the repository root)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    source = (args.source if args.source.is_absolute() else (Path.cwd() / args.source)).resolve()
    missing = [n for n in ("soato-2021.json", "regions.yaml", "districts.yaml") if not (source / n).is_file()]
    if missing:
        parser.error(f"{source} lacks {', '.join(missing)}")
    rows, summary = build(source)
    write(rows, args.output)
    print_summary(rows, summary, args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
