"""English is the source language of the msgids: its catalogue ships with msgstr = msgid, so that every
language has a complete catalogue. Run after makemessages:  .venv/bin/python scripts/fill_en_catalogue.py"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nazorat.core.po import load_po, write_po  # noqa: E402

PATH = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def main() -> None:
    entries = load_po(PATH)
    for e in entries:
        if e.is_header:
            e.msgstr = e.msgstr.replace("Language: \n", "Language: en\n")
            e.msgstr = "\n".join(
                "Plural-Forms: nplurals=2; plural=(n != 1);" if line.startswith("Plural-Forms:") else line
                for line in e.msgstr.split("\n"))
            e.flags = [f for f in e.flags if f != "fuzzy"]
            continue
        if e.msgid_plural is not None:
            e.msgstr_plural = [e.msgid, e.msgid_plural]
        else:
            e.msgstr = e.msgid
        e.flags = [f for f in e.flags if f != "fuzzy"]
    PATH.write_text(write_po(entries), encoding="utf-8")
    print(f"{PATH}: {sum(1 for e in entries if not e.is_header)} entries")


if __name__ == "__main__":
    main()
