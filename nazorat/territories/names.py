"""Spelling hygiene for territory names, shared by the data build script and the CSV imports.

Pure functions without Django imports, so ``scripts/build_territories.py`` can use them outside a project
context. The sources mix ASCII ``'``, typographic ``‘ ’`` and backticks for the Uzbek apostrophes, and
the Russian names of the SOATO fixture carry Latin look-alike letters ("Улугноpский" with a Latin ``p``):
both break matching, sorting and search, so every name passes through here before it is stored.
"""

from __future__ import annotations

import re
import unicodedata

OKINA = "\u02bb"  # ʻ — oʻ, gʻ (1995 alphabet)
TUTUQ = "\u02bc"  # ʼ — tutuq belgisi (maʼno, Tuproqqalʼa)

# Everything people type for the two Uzbek apostrophes.
APOSTROPHE_VARIANTS = "'`´‘’ʹʻʼ′"
_APOSTROPHE_CLASS = "[" + re.escape(APOSTROPHE_VARIANTS) + "]"
_APOSTROPHE_WITH_PREVIOUS = re.compile(r"(^|.)" + _APOSTROPHE_CLASS, re.DOTALL)
_ANY_APOSTROPHE = re.compile(_APOSTROPHE_CLASS)

_LATIN_TO_CYRILLIC_LOOKALIKES = str.maketrans({
    "a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у",
    "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О", "P": "Р", "T": "Т",
    "X": "Х",
})
_CYRILLIC_TO_LATIN_LOOKALIKES = str.maketrans({v: k for k, v in {
    "a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у",
    "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О", "P": "Р", "T": "Т",
    "X": "Х",
}.items()})
_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def normalise_uz_latin(text: str) -> str:
    """Uzbek Latin with the official apostrophes: U+02BB after o/g, U+02BC (tutuq belgisi) elsewhere.

    Also repairs Cyrillic look-alike letters inside Latin words and collapses runs of spaces.
    """
    if not text:
        return ""
    text = _WORD.sub(
        lambda m: m.group(0).translate(_CYRILLIC_TO_LATIN_LOOKALIKES)
        if any(_is_latin(c) for c in m.group(0)) else m.group(0),
        text,
    )
    text = _APOSTROPHE_WITH_PREVIOUS.sub(
        lambda m: m.group(1) + (OKINA if m.group(1) in ("o", "O", "g", "G") else TUTUQ), text
    )
    return _SPACES.sub(" ", text).strip()


def normalise_cyrillic(text: str) -> str:
    """Replace Latin look-alike letters inside Cyrillic words (Uzbek or Russian) with Cyrillic ones."""
    if not text:
        return ""
    text = _WORD.sub(
        lambda m: m.group(0).translate(_LATIN_TO_CYRILLIC_LOOKALIKES)
        if any(_is_cyrillic(c) for c in m.group(0)) else m.group(0),
        text,
    )
    return _SPACES.sub(" ", text).strip()


def ascii_fold(text: str) -> str:
    """A plain-ASCII rendering of an Uzbek Latin name (apostrophes dropped, diacritics stripped), used to
    derive an English name when no translation exists: "Qoʻqon" → "Qoqon"."""
    text = _ANY_APOSTROPHE.sub("", normalise_uz_latin(text))
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "ignore").decode()


def match_key(text: str) -> str:
    """A loose key for joining two spellings of one name: lower case, no apostrophes, no hyphens or dots."""
    text = _ANY_APOSTROPHE.sub("", text or "").lower()
    text = re.sub(r"[\s\-.]+", " ", text)
    return text.strip()
