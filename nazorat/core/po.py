"""A small, dependency-free reader and writer for gettext ``.po`` files.

Why not polib or Babel: the only consumer is ``build_cyrillic_catalogue``, which needs to read Django's and the
project's catalogues and write one generated catalogue deterministically; that is a few dozen lines, and the
project keeps its dependency list short. Scope: everything GNU gettext writes in a catalogue -- translator,
extracted, reference, flag and previous-msgid comments, ``msgctxt``, ``msgid_plural`` with indexed
``msgstr[n]``, multi-line strings, C escapes and obsolete (``#~``) entries. Comments are kept so a round trip
loses nothing a translator wrote.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

__all__ = ["Entry", "PoSyntaxError", "header_fields", "load_po", "read_po", "write_po"]

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v", '"': '"', "\\": "\\"}
_UNESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\a": "\\a", "\b": "\\b",
              "\f": "\\f", "\v": "\\v"}
_ESCAPE_RE = re.compile(r"\\(?:([ntrabfv\"\\])|([0-7]{1,3})|x([0-9A-Fa-f]{1,2}))")
_KEYWORD_RE = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")\s*$")
_STRING_RE = re.compile(r'^"((?:[^"\\]|\\.)*)"$')
_WRAP_WIDTH = 79
_COMMENT_MARKERS = ("#", "#.", "#:", "#,", "#|")


class PoSyntaxError(ValueError):
    """A line the reader cannot place; the message names the line so the catalogue can be fixed."""


@dataclass
class Entry:
    """One catalogue message. ``msgstr_plural`` is used instead of ``msgstr`` when ``msgid_plural`` is set."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    translator_comments: list[str] = field(default_factory=list)
    extracted_comments: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    previous: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        """What gettext looks a message up by: the context and the singular msgid."""
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def translated(self) -> bool:
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural)
        return bool(self.msgstr)


def _unescape(body: str, line_no: int) -> str:
    def replace(match: re.Match[str]) -> str:
        simple, octal, hexa = match.groups()
        if simple:
            return _ESCAPES[simple]
        return chr(int(octal, 8)) if octal else chr(int(hexa, 16))

    if "\\" in _ESCAPE_RE.sub("", body):
        raise PoSyntaxError(f"line {line_no}: unknown escape sequence in {body!r}")
    return _ESCAPE_RE.sub(replace, body)


def _string(text: str, line_no: int) -> str:
    match = _STRING_RE.match(text.strip())
    if not match:
        raise PoSyntaxError(f"line {line_no}: expected a quoted string, got {text!r}")
    return _unescape(match.group(1), line_no)


def read_po(text: str) -> list[Entry]:
    """Parse catalogue text into entries, header first if present, in file order.

    gettext separates entries by blank lines by convention only, so an entry also ends where a comment or a new
    ``msgctxt``/``msgid`` follows its ``msgstr``.
    """
    entries: list[Entry] = []
    comments: dict[str, list[str]] = {marker: [] for marker in _COMMENT_MARKERS}
    current: Entry | None = None
    has_msgid = has_msgstr = False
    target: tuple[str, int | None] | None = None  # the keyword a continuation line extends

    def flush() -> None:
        nonlocal current, has_msgid, has_msgstr, target
        if current is not None:
            if not has_msgid:
                raise PoSyntaxError(f"entry without msgid before line {line_no}")
            entries.append(current)
        current, has_msgid, has_msgstr, target = None, False, False, None

    line_no = 0
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):  # "#~|": the previous msgid of an obsolete entry
                line = "#" + line
        if not line:
            if not obsolete:
                flush()
            continue
        if line.startswith("#"):
            if has_msgstr:
                flush()
            marker = line[:2] if line[:2] in _COMMENT_MARKERS else "#"
            content = line[len(marker):]
            comments[marker].append(content[1:] if content.startswith(" ") else content)
            continue
        match = _KEYWORD_RE.match(line)
        if match:
            keyword, index_text, quoted = match.groups()
            if keyword == "msgctxt" or (keyword == "msgid" and (has_msgid or has_msgstr)):
                flush()
            if current is None:
                if keyword not in ("msgctxt", "msgid"):
                    raise PoSyntaxError(f"line {line_no}: {keyword} before msgid")
                current = Entry(
                    msgid="",
                    translator_comments=comments["#"],
                    extracted_comments=comments["#."],
                    references=[ref for chunk in comments["#:"] for ref in chunk.split()],
                    flags=[flag.strip() for chunk in comments["#,"] for flag in chunk.split(",") if flag.strip()],
                    previous=comments["#|"],
                    obsolete=obsolete,
                )
                comments = {marker: [] for marker in _COMMENT_MARKERS}
            value = _string(quoted, line_no)
            index = int(index_text) if index_text is not None else None
            if keyword == "msgstr" and index is not None:
                current.msgstr_plural.extend([""] * (index + 1 - len(current.msgstr_plural)))
                current.msgstr_plural[index] = value
            else:
                setattr(current, keyword, value)
            has_msgid = has_msgid or keyword == "msgid"
            has_msgstr = has_msgstr or keyword == "msgstr"
            target = (keyword, index)
            continue
        if line.startswith('"') and current is not None and target is not None:
            keyword, index = target
            value = _string(line, line_no)
            if index is not None:
                current.msgstr_plural[index] += value
            else:
                setattr(current, keyword, getattr(current, keyword) + value)
            continue
        raise PoSyntaxError(f"line {line_no}: cannot parse {raw!r}")
    flush()
    return entries


def load_po(path: str | os.PathLike[str]) -> list[Entry]:
    """Read a UTF-8 catalogue file (every catalogue this project touches is UTF-8)."""
    with open(path, encoding="utf-8") as handle:
        return read_po(handle.read())


def _escape(value: str) -> str:
    return "".join(_UNESCAPES.get(char, char) for char in value)


def _wrap(escaped: str, width: int) -> list[str]:
    """Split an escaped string like msgcat does: after each ``\\n`` and at spaces so lines fit ``width``."""
    pieces: list[str] = []
    for part in re.split(r"(?<=\\n)", escaped):
        if not part:
            continue
        while len(part) > width:
            cut = part.rfind(" ", 0, width)
            if cut <= 0:
                break
            pieces.append(part[: cut + 1])
            part = part[cut + 1:]
        pieces.append(part)
    return pieces or [""]


def _field(keyword: str, value: str, prefix: str) -> list[str]:
    escaped = _escape(value)
    single = f'{prefix}{keyword} "{escaped}"'
    inner = escaped[:-2] if escaped.endswith("\\n") else escaped
    if len(single) <= _WRAP_WIDTH and "\\n" not in inner:
        return [single]
    return [f'{prefix}{keyword} ""'] + [f'{prefix}"{piece}"' for piece in _wrap(escaped, _WRAP_WIDTH - len(prefix) - 2)]


def _format_entry(entry: Entry) -> list[str]:
    prefix = "#~ " if entry.obsolete else ""
    lines = [f"# {c}" if c else "#" for c in entry.translator_comments]
    lines += [f"#. {c}" for c in entry.extracted_comments]
    if entry.references:
        lines.append("#: " + " ".join(entry.references))
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    lines += [f"{'#~|' if entry.obsolete else '#|'} {c}" for c in entry.previous]
    if entry.msgctxt is not None:
        lines += _field("msgctxt", entry.msgctxt, prefix)
    lines += _field("msgid", entry.msgid, prefix)
    if entry.msgid_plural is not None:
        lines += _field("msgid_plural", entry.msgid_plural, prefix)
        for index, value in enumerate(entry.msgstr_plural or [""]):
            lines += _field(f"msgstr[{index}]", value, prefix)
    else:
        lines += _field("msgstr", entry.msgstr, prefix)
    return lines


def write_po(entries: list[Entry]) -> str:
    """Serialise entries in the given order, one blank line between entries, ending with a newline."""
    return "\n\n".join("\n".join(_format_entry(entry)) for entry in entries) + "\n"


def header_fields(header: Entry) -> dict[str, str]:
    """The ``Name: value`` lines of a header entry's msgstr, in order."""
    fields: dict[str, str] = {}
    for line in header.msgstr.split("\n"):
        name, sep, value = line.partition(":")
        if sep and name.strip():
            fields[name.strip()] = value.strip()
    return fields
