"""``manage.py build_cyrillic_catalogue [--check] [--locale-dir DIR]`` — generate the uz_Cyrl message catalogue.

Django ships no Uzbek Cyrillic catalogue, so with ``uz-cyrl`` active every string would fall back to Latin. This
writes ``<locale>/uz_Cyrl/LC_MESSAGES/django.po`` by transliterating (``nazorat.core.text.to_cyrillic``):

1. the project's Uzbek Latin catalogue ``<locale>/uz/LC_MESSAGES/django.po`` (skipped while it does not exist);
2. the translated messages of Django's own ``uz`` catalogues (``django/conf/locale`` and every installed
   ``django.contrib`` app that has one), read from the installed Django, so admin, auth and form errors are
   Cyrillic too. LOCALE_PATHS outrank Django's catalogues, so these entries are what ``uz-cyrl`` users see.

Precedence follows Django's own merge: the project catalogue, then contrib apps in INSTALLED_APPS order, then
``django/conf``. Placeholders, HTML tags and entities are copied untouched; plural entries get exactly the
header's number of forms. The file is deterministic (no dates) so ``--check`` can fail CI when it is stale.
compilemessages is left to ``make messages``. Workflow: docs/transliteration.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nazorat.core.po import Entry, header_fields, load_po, write_po
from nazorat.core.text import to_cyrillic

SOURCE_LANGUAGE = "uz"
TARGET_LANGUAGE = "uz_Cyrl"
CATALOGUE = Path("LC_MESSAGES") / "django.po"
DEFAULT_PLURAL_FORMS = "nplurals=1; plural=0;"  # Uzbek nouns do not change after numerals (5 ta kitob)

# What must survive transliteration byte for byte: %-format (named, positional, %%), str.format fields, HTML
# tags with their attributes, and character entities. The space flag of %-format is left out on purpose: in
# "100% foydali" the "% f" is text.
_PROTECTED = re.compile(
    r"%\([^)]*\)[#0+-]*\d*(?:\.\d+)?[a-zA-Z%]"
    r"|%[#0+-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]"
    r"|\{[^{}]*\}"
    r"|<[^<>]*>"
    r"|&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#[xX][0-9A-Fa-f]+);"
)
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


def transliterate_message(text: str) -> str:
    """Uzbek Latin message → Cyrillic, converting only the text between placeholders and markup."""
    out: list[str] = []
    position = 0
    for match in _PROTECTED.finditer(text):
        out.append(to_cyrillic(text[position:match.start()]))
        out.append(match.group())
        position = match.end()
    out.append(to_cyrillic(text[position:]))
    return "".join(out)


def django_sources() -> list[tuple[str, Path]]:
    """Django's ``uz`` catalogues as (label, path), highest precedence first, as Django itself merges them."""
    sources = []
    for config in apps.get_app_configs():
        if config.name.startswith("django.contrib."):
            path = Path(config.path) / "locale" / SOURCE_LANGUAGE / CATALOGUE
            if path.exists():
                sources.append((config.name.replace(".", "/"), path))
    sources.append(("django/conf", Path(django.__file__).parent / "conf" / "locale" / SOURCE_LANGUAGE / CATALOGUE))
    return sources


def _converted(entry: Entry, nplurals: int, origin: str | None) -> Entry:
    plural = [transliterate_message(form) for form in entry.msgstr_plural] if entry.msgid_plural is not None else []
    if plural:  # pad with the last form (or cut) so msgfmt sees the header's count
        plural = (plural + [plural[-1]] * nplurals)[:nplurals]
    return Entry(
        msgid=entry.msgid,
        msgstr=transliterate_message(entry.msgstr) if entry.msgid_plural is None else "",
        msgctxt=entry.msgctxt,
        msgid_plural=entry.msgid_plural,
        msgstr_plural=plural,
        flags=list(entry.flags),
        translator_comments=list(entry.translator_comments),
        extracted_comments=list(entry.extracted_comments) + ([f"From {origin}."] if origin else []),
    )


def build_catalogue(locale_dir: Path) -> list[Entry]:
    """The uz_Cyrl catalogue entries, header first, for this project and the installed Django."""
    project_path = locale_dir / SOURCE_LANGUAGE / CATALOGUE
    project = load_po(project_path) if project_path.exists() else []
    project_header = next((entry for entry in project if entry.is_header), None)
    django_catalogues = [(label, load_po(path)) for label, path in django_sources()]

    fields = header_fields(project_header) if project_header else {}
    django_headers = [header_fields(e) for _, entries in django_catalogues for e in entries if e.is_header]
    plural_forms = fields.get("Plural-Forms") or next(
        (h["Plural-Forms"] for h in django_headers if "Plural-Forms" in h), DEFAULT_PLURAL_FORMS
    )
    nplurals_match = _NPLURALS.search(plural_forms)
    nplurals = int(nplurals_match.group(1)) if nplurals_match else 1
    header = Entry(
        msgid="",
        msgstr="".join(f"{name}: {value}\n" for name, value in (
            ("Project-Id-Version", fields.get("Project-Id-Version", "nazorat")),
            ("Language", TARGET_LANGUAGE),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=UTF-8"),
            ("Content-Transfer-Encoding", "8bit"),
            ("Plural-Forms", plural_forms),
        )),
        translator_comments=[
            "Uzbek (Cyrillic) messages. GENERATED by `manage.py build_cyrillic_catalogue` from",
            "locale/uz/LC_MESSAGES/django.po and Django's own uz catalogues. Do not edit: fix the uz",
            "catalogue or the lexicon in nazorat/core/text.py, then regenerate (docs/transliteration.md).",
        ],
    )

    entries = [header]
    seen: set[tuple[str | None, str]] = set()
    # Project entries are all kept, translated or not, so the Cyrillic file mirrors the Latin one for review;
    # Django's are kept only when translated and not fuzzy, since those are the only ones gettext would use.
    for origin, catalogue, only_translated in (
        (None, project, False), *((label, catalogue, True) for label, catalogue in django_catalogues)
    ):
        for entry in catalogue:
            if entry.is_header or entry.obsolete or entry.key in seen:
                continue
            if only_translated and (entry.fuzzy or not entry.translated):
                continue
            seen.add(entry.key)
            entries.append(_converted(entry, nplurals, origin))
    return entries


class Command(BaseCommand):
    help = "Generate locale/uz_Cyrl/LC_MESSAGES/django.po by transliterating the uz catalogues (project and Django)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true",
                            help="Write nothing; exit non-zero if the uz_Cyrl catalogue is missing or out of date.")
        parser.add_argument("--locale-dir", type=Path, default=None,
                            help="Locale directory to read uz from and write uz_Cyrl to (default: LOCALE_PATHS[0]).")

    def handle(self, *args: object, check: bool, locale_dir: Path | None, **options: object) -> None:
        locale_dir = locale_dir or Path(settings.LOCALE_PATHS[0])
        target = locale_dir / TARGET_LANGUAGE / CATALOGUE
        entries = build_catalogue(locale_dir)
        text = write_po(entries)
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if check:
            if current != text:
                raise CommandError(f"{target} is out of date: run `manage.py build_cyrillic_catalogue` and commit it.")
            self.stdout.write(f"{target} is up to date.")
            return
        if current == text:
            self.stdout.write(f"{target} is already up to date.")
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        self.stdout.write(self.style.SUCCESS(f"Wrote {target} ({len(entries) - 1} messages)."))
