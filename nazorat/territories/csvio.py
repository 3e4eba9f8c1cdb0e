"""Reading administrators' CSV files, shared by the territory and organisation imports.

Administrators export these files from Excel or LibreOffice in Uzbekistan, so the reader accepts what
those produce: UTF-8 with or without a BOM and either ``,`` or ``;`` as the delimiter (Excel with a Russian
or Uzbek locale writes ``;``). Every problem is reported with the physical line number the person sees
in their editor (the header is line 1), because the import contract is "fix the file and try again":
all problems at once, nothing imported until the file is clean.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

FILE_LEVEL = 0  # "line" of a problem with the whole file (encoding, emptiness)
HEADER_LINE = 1


@dataclass
class CsvRow:
    """One data record: the line it starts on and its values by column name (stripped, never None)."""

    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class CsvTable:
    columns: list[str] = field(default_factory=list)
    rows: list[CsvRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    delimiter: str = ","


@dataclass
class ImportResult:
    """The outcome of an all-or-nothing import; when ``errors`` is not empty nothing was written.

    ``errors`` holds ``(line, message)`` pairs (line 0 for the file as a whole); ``details`` carries
    import-specific counts (e.g. units created) for the report.
    """

    errors: list[tuple[int, str]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    details: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_lines(self) -> list[str]:
        """The report shown to the administrator, one line per problem, in file order."""
        return [format_error(line, message) for line, message in sorted(self.errors, key=lambda e: e[0])]


def format_error(line: int, message: str) -> str:
    if line == FILE_LEVEL:
        return message
    return _("line %(line)s: %(message)s") % {"line": line, "message": message}


def _decode(data: bytes | str) -> str | None:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _sniff_delimiter(header_line: str) -> str:
    """``;`` when the header has more semicolons than commas; column names never contain either."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def read_csv(data: bytes | str, *, required: Sequence[str], optional: Sequence[str] = ()) -> CsvTable:
    """Parse ``data`` into rows keyed by column; problems with the file itself go to ``errors``.

    The header must name every ``required`` column; ``optional`` ones may be left out; any other
    column is an error (a misspelt "nam_uz" must not silently import empty names).
    """
    table = CsvTable()
    text = _decode(data)
    if text is None:
        table.errors.append((FILE_LEVEL, _("The file is not UTF-8 text. Save it as \"CSV UTF-8\" and try again.")))
        return table
    if not text.strip():
        table.errors.append((FILE_LEVEL, _("The file is empty.")))
        return table
    table.delimiter = _sniff_delimiter(text.splitlines()[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=table.delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        table.errors.append((HEADER_LINE, _("the header cannot be read: %(error)s") % {"error": exc}))
        return table
    columns = [c.strip().lower() for c in header]
    known = list(required) + list(optional)
    duplicates = sorted({c for c in columns if columns.count(c) > 1 and c})
    missing = [c for c in required if c not in columns]
    unknown = [c for c in columns if c and c not in known]
    if duplicates:
        table.errors.append((HEADER_LINE, _("column(s) %(columns)s appear more than once") % {
            "columns": ", ".join(duplicates)}))
    if missing:
        table.errors.append((HEADER_LINE, _("required column(s) missing: %(columns)s") % {
            "columns": ", ".join(missing)}))
    if unknown:
        table.errors.append((HEADER_LINE, _("unknown column(s) %(unknown)s; the columns are: %(known)s") % {
            "unknown": ", ".join(unknown), "known": ", ".join(known)}))
    if table.errors:
        return table
    table.columns = columns
    previous_end = reader.line_num
    while True:
        start = previous_end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            table.errors.append((start, _("the line cannot be read: %(error)s") % {"error": exc}))
            break
        previous_end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(columns):
            message = _("expected %(expected)s values, found %(found)s") % {
                "expected": len(columns), "found": len(cells)}
            if len(cells) > len(columns):
                message += " " + _("(a value containing \"%(delimiter)s\" must be put in double quotes)") % {
                    "delimiter": table.delimiter}
            table.errors.append((start, message))
            continue
        values = {c: cells[i].strip() for i, c in enumerate(columns) if c}
        for column in optional:
            values.setdefault(column, "")
        table.rows.append(CsvRow(line=start, values=values))
    if not table.rows and not table.errors:
        table.errors.append((FILE_LEVEL, _("The file has a header but no data rows.")))
    return table
