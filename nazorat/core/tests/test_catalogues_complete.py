"""Every user-facing string is translated into all four languages, and the shipped catalogues are up to
date with the code (a string added to the code without running makemessages fails here)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from nazorat.core.po import load_po

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGS = ["uz", "uz_Cyrl", "ru", "en"]
IGNORE = [".venv", "var", "bench", "e2e", "build", "node_modules"]


def project_keys(lang: str) -> dict:
    return {e.key: e for e in load_po(LOCALE / lang / "LC_MESSAGES" / "django.po") if not e.is_header and not e.obsolete}


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_is_complete(lang):
    source = project_keys("en")
    catalogue = project_keys(lang)
    missing = [k for k in source if k not in catalogue or not catalogue[k].translated]
    fuzzy = [k for k in source if k in catalogue and catalogue[k].fuzzy]
    assert missing == [], f"{lang}: {len(missing)} untranslated, e.g. {missing[:5]}"
    assert fuzzy == [], f"{lang}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_catalogues_cover_every_string_in_the_code(monkeypatch):
    """Runs makemessages for English (it rewrites locale/en in place, so the file is restored after)."""
    monkeypatch.chdir(settings.BASE_DIR)
    path = LOCALE / "en" / "LC_MESSAGES" / "django.po"
    shipped = set(project_keys("en"))
    original = path.read_bytes()
    try:
        call_command("makemessages", locale=["en"], ignore_patterns=IGNORE, verbosity=0, no_obsolete=True)
        extracted = {e.key for e in load_po(path) if not e.is_header and not e.obsolete}
    finally:
        path.write_bytes(original)
    new = sorted(k[1] for k in extracted - shipped)
    assert new == [], f"strings not in the catalogues (run makemessages and translate): {new[:10]}"


def test_uzbek_cyrillic_catalogue_is_generated_from_the_latin_one():
    call_command("build_cyrillic_catalogue", check=True)


def test_each_language_renders_its_own_words():
    seen = {}
    for lang in ("uz", "uz-cyrl", "ru", "en"):
        with translation.override(lang):
            seen[lang] = translation.gettext("Inbox")
    assert len(set(seen.values())) == 4, seen
    assert re.search("[ЎўҚқҒғҲҳ]|[а-я]", seen["uz-cyrl"]) and re.search("[а-я]", seen["ru"])
    assert re.fullmatch(r"[A-Za-zʻʼ' ]+", seen["uz"]) and seen["en"] == "Inbox"
