"""The .po reader/writer and the generated uz_Cyrl catalogue (R-E2, stack-notes §3(f))."""

import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import translation

from nazorat.core.management.commands.build_cyrillic_catalogue import transliterate_message
from nazorat.core.po import Entry, PoSyntaxError, header_fields, read_po, write_po

SAMPLE = r'''# Translator note.
msgid ""
msgstr ""
"Project-Id-Version: nazorat\n"
"Language: uz\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#. Shown on the appeal form.
#: nazorat/cases/forms.py:10 nazorat/cases/forms.py:20
#, python-format
msgid "Appeal %(number)s"
msgstr "%(number)s-son murojaat"

#, fuzzy
#| msgid "Old text"
msgctxt "button"
msgid "Open"
msgstr "Ochish"

msgctxt "state"
msgid "Open"
msgstr "Ochiq"

#, python-format
msgid "%(count)s day"
msgid_plural "%(count)s days"
msgstr[0] "%(count)s kun"
msgstr[1] "%(count)s kun"

msgid ""
"A long message that is split over several lines, as makemessages writes it.\n"
"Second line with \"quotes\", a tab\there and a backslash \\."
msgstr ""
"Bir necha qatorga bo'lingan uzun xabar, makemessages uni shunday yozadi "
"(o'zgartirmang).\n"
"Ikkinchi qator."

#~ msgid "Removed"
#~ msgstr "O'chirilgan"
'''


def test_reader_parses_every_construct():
    header, appeal, button, state, plural, long, removed = read_po(SAMPLE)
    assert header.is_header and header.translator_comments == ["Translator note."]
    assert header_fields(header)["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert appeal.flags == ["python-format"] and appeal.extracted_comments == ["Shown on the appeal form."]
    assert appeal.references == ["nazorat/cases/forms.py:10", "nazorat/cases/forms.py:20"]
    assert (button.key, button.fuzzy, button.previous) == (("button", "Open"), True, ['msgid "Old text"'])
    assert (state.key, state.msgstr, state.fuzzy) == (("state", "Open"), "Ochiq", False)
    assert plural.msgid_plural == "%(count)s days" and plural.msgstr_plural == ["%(count)s kun", "%(count)s kun"]
    assert long.msgid.endswith('it.\nSecond line with "quotes", a tab\there and a backslash \\.')
    assert removed.obsolete and removed.msgstr == "O'chirilgan"


def test_writer_round_trips():
    entries = read_po(SAMPLE)
    assert write_po(entries) == SAMPLE
    assert read_po(write_po(entries)) == entries


def test_entries_without_blank_lines_between_them():
    entries = read_po('msgid "a"\nmsgstr "A"\nmsgctxt "c"\nmsgid "b"\nmsgstr "B"\n#, fuzzy\nmsgid "d"\nmsgstr "D"\n')
    assert [(e.msgctxt, e.msgid, e.msgstr, e.fuzzy) for e in entries] == [
        (None, "a", "A", False), ("c", "b", "B", False), (None, "d", "D", True)]


@pytest.mark.parametrize("text", ['msgid "a\\q"\nmsgstr ""\n', 'msgstr "x"\n', 'msgid "a"\nmsgstr "b" junk\n',
                                  'msgid "unterminated\nmsgstr ""\n'])
def test_reader_rejects_malformed_input(text):
    with pytest.raises(PoSyntaxError):
        read_po(text)


def test_writer_wraps_long_strings_and_keeps_content():
    entry = Entry(msgid="word " * 40, msgstr="line one\nline two")
    text = write_po([entry])
    assert all(len(line) <= 79 for line in text.splitlines())
    assert read_po(text) == [entry]


def test_transliteration_keeps_placeholders_and_markup():
    source = ('<a href="{url}" title="o\'zgartirish">%(name)s ni o\'zgartirish</a> &amp; {count} ta '
              "%s yoki %d, 100% foydali, %%, &#8220;ma'lumot&#8221; %(value).1f mln")
    assert transliterate_message(source) == (
        '<a href="{url}" title="o\'zgartirish">%(name)s ни ўзгартириш</a> &amp; {count} та '
        "%s ёки %d, 100% фойдали, %%, &#8220;маълумот&#8221; %(value).1f млн")


def test_transliteration_of_text_glued_to_a_placeholder():
    assert transliterate_message("%(changes)sga o'zgartirildi") == "%(changes)sга ўзгартирилди"


PROJECT_PO = r'''msgid ""
msgstr ""
"Project-Id-Version: nazorat\n"
"Language: uz\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "Yes"
msgstr "Albatta"

#, python-format
msgid "Appeal <strong>%(number)s</strong> from %(date)s"
msgstr "%(date)s sanadagi <strong>%(number)s</strong>-son murojaat"

#, python-format
msgid "%(count)s appeal"
msgid_plural "%(count)s appeals"
msgstr[0] "%(count)s ta murojaat"

#, fuzzy
msgid "Draft"
msgstr "Qoralama"

msgid "Not translated yet"
msgstr ""
'''


@pytest.fixture
def locale_dir(tmp_path):
    source = tmp_path / "uz" / "LC_MESSAGES" / "django.po"
    source.parent.mkdir(parents=True)
    source.write_text(PROJECT_PO, encoding="utf-8")
    return tmp_path


def generated(locale_dir):
    call_command("build_cyrillic_catalogue", locale_dir=locale_dir)
    text = (locale_dir / "uz_Cyrl" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    return text, {entry.key: entry for entry in read_po(text)}


def test_catalogue_transliterates_the_project_catalogue(locale_dir):
    text, entries = generated(locale_dir)
    header = entries[(None, "")]
    assert header_fields(header)["Language"] == "uz_Cyrl"
    assert header_fields(header)["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    appeal = entries[(None, "Appeal <strong>%(number)s</strong> from %(date)s")]
    assert appeal.msgstr == "%(date)s санадаги <strong>%(number)s</strong>-сон мурожаат"
    assert appeal.flags == ["python-format"]
    # One plural form in the source, two in the header: msgfmt needs both.
    assert entries[(None, "%(count)s appeal")].msgstr_plural == ["%(count)s та мурожаат"] * 2
    assert entries[(None, "Draft")].fuzzy and entries[(None, "Draft")].msgstr == "Қоралама"
    assert entries[(None, "Not translated yet")].msgstr == ""
    assert "Language: uz\\n" not in text


def test_catalogue_includes_django_messages_and_the_project_wins(locale_dir):
    _, entries = generated(locale_dir)
    assert entries[(None, "Yes")].msgstr == "Албатта"  # project, not Django's "Ha"
    # Django's uz writes ASCII ' for oʻ (to'ldirilishi); the Cyrillic is still right.
    assert entries[(None, "This field is required.")].msgstr == "Ушбу майдон тўлдирилиши шарт."
    assert entries[(None, "Password")].msgstr == "Пароль"  # contrib.auth, via the lexicon
    assert entries[(None, "Log out")].msgstr == "Чиқиш"  # contrib.admin
    assert entries[("abbrev. month", "Feb.")].msgstr == "Фев."  # context kept
    assert "From django/conf." in entries[(None, "This field is required.")].extracted_comments
    # Untranslated Django messages are left out: gettext would not use them.
    assert (None, "%(value)s million") not in entries


def test_catalogue_without_a_project_catalogue_has_django_messages(tmp_path):
    _, entries = generated(tmp_path)
    assert entries[(None, "Yes")].msgstr == "Ҳа"


def test_check_reports_a_missing_or_stale_catalogue(locale_dir):
    with pytest.raises(CommandError, match="out of date"):
        call_command("build_cyrillic_catalogue", "--check", locale_dir=locale_dir)
    generated(locale_dir)
    call_command("build_cyrillic_catalogue", "--check", locale_dir=locale_dir)  # up to date: no error
    source = locale_dir / "uz" / "LC_MESSAGES" / "django.po"
    source.write_text(PROJECT_PO.replace("Albatta", "Ha, albatta"), encoding="utf-8")
    with pytest.raises(CommandError, match="out of date"):
        call_command("build_cyrillic_catalogue", "--check", locale_dir=locale_dir)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_compiled_catalogue_serves_uz_cyrl(locale_dir):
    generated(locale_dir)
    messages = locale_dir / "uz_Cyrl" / "LC_MESSAGES"
    subprocess.run(["msgfmt", "--check-format", "-o", messages / "django.mo", messages / "django.po"], check=True)
    with override_settings(LOCALE_PATHS=[locale_dir]), translation.override("uz-cyrl"):
        assert translation.gettext("This field is required.") == "Ушбу майдон тўлдирилиши шарт."
        assert translation.gettext("Yes") == "Албатта"
        assert translation.ngettext("%(count)s appeal", "%(count)s appeals", 5) % {"count": 5} == "5 та мурожаат"
