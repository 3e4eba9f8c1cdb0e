"""One place for Uzbek script handling: apostrophes, transliteration, script detection, search folding (R-E2).

Orthography: the 1995 Latin alphabet (CM Resolution No. 339 of 24 Aug 1995) with the official modifier letters
U+02BB (oʻ, gʻ) and U+02BC (tutuq belgisi); see docs/transliteration.md and legal-rules §7.

Engines. Cyrillic → Latin is done here, not by ``alifbo``: alifbo targets the 2026 alphabet, spells ц, ъ and
сҳ against the 1995 rules (kontsert, obʼyekt, Mushaf), matches exceptions as whole words only (Uzbek is
agglutinative: сентябрда, концертлар) and costs ~230 µs per word, while ``fold`` runs on every save and every
query. Latin → Cyrillic uses ``alifbo.to_cyrillic`` per word (its iotation, е/э, casing and foreign-word rules
are right) wrapped with the project lexicon and the rules it lacks: s'h (Is'hoq → Исҳоқ, not Исъҳоқ), т+с
across a suffix (ketsa → кетса, not кеца) and the ъ/ь of Russian loans (ob'ekt → объект, Vasilyev → Васильев).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

import alifbo

__all__ = [
    "LEXICON",
    "OKINA",
    "PROTECTED_TERMS",
    "TUTUQ",
    "detect_script",
    "fold",
    "normalize_apostrophes",
    "to_cyrillic",
    "to_latin",
]

OKINA = "\u02bb"  # ʻ MODIFIER LETTER TURNED COMMA: the mark of oʻ and gʻ
TUTUQ = "\u02bc"  # ʼ MODIFIER LETTER APOSTROPHE: tutuq belgisi (Cyrillic ъ)

# Everything people type for ʻ and ʼ: ASCII ', ‘ ’, backtick, the two modifier letters, acute, prime, fullwidth '.
APOSTROPHES = "'\u2018\u2019`\u02bc\u02bb\u00b4\u2032\uff07"

# Words whose spelling does not follow from the letter rules, as (Cyrillic, 1995 Latin) lemma pairs, lowercase.
# Used in both directions and matched as a word *stem*, so inflected forms follow (сентябрда ↔ sentabrda,
# концертлар ↔ konsertlar): a Cyrillic lemma's final ь is dropped before a suffix. Add loans here when the
# generated Cyrillic catalogue or a review shows a wrong spelling; see docs/transliteration.md.
LEXICON: tuple[tuple[str, str], ...] = (
    # Months: я → a (sentabr, oktabr) and the soft sign that Latin does not write.
    ("январь", "yanvar"), ("февраль", "fevral"), ("апрель", "aprel"), ("июнь", "iyun"), ("июль", "iyul"),
    ("сентябрь", "sentabr"), ("октябрь", "oktabr"), ("ноябрь", "noyabr"), ("декабрь", "dekabr"),
    # ц written s after a consonant or at a word start: Latin alone cannot tell s from ц.
    ("концерт", "konsert"), ("акция", "aksiya"), ("цирк", "sirk"), ("циркуляр", "sirkulyar"), ("цех", "sex"),
    ("центр", "sentr"), ("цемент", "sement"), ("акциз", "aksiz"), ("санкция", "sanksiya"),
    ("коррупция", "korrupsiya"), ("инспекция", "inspeksiya"), ("дирекция", "direksiya"),
    ("функция", "funksiya"), ("секция", "seksiya"), ("фракция", "fraksiya"), ("конструкция", "konstruksiya"),
    ("реконструкция", "rekonstruksiya"), ("станция", "stansiya"), ("конвенция", "konvensiya"),
    ("компетенция", "kompetensiya"), ("тенденция", "tendensiya"), ("концепция", "konsepsiya"),
    ("концессия", "konsessiya"), ("квитанция", "kvitansiya"), ("кварц", "kvars"),
    # ц written ts after a vowel: regular both ways, listed as golden examples of the rule.
    ("лицей", "litsey"), ("конституция", "konstitutsiya"), ("республика", "respublika"),
    ("медицина", "meditsina"),  # ts before i+consonant is т+с by default (aytsin), so this loan is listed
    # ъ before е/ю in Russian loans is not written in Latin.
    ("объект", "obyekt"), ("субъект", "subyekt"), ("съезд", "syezd"), ("инъекция", "inyeksiya"),
    ("адъютант", "adyutant"),
    # Soft sign: dropped in Latin, restored in Cyrillic.
    ("пароль", "parol"), ("роль", "rol"), ("фильм", "film"), ("фильтр", "filtr"), ("модель", "model"),
    ("медаль", "medal"), ("портфель", "portfel"), ("автомобиль", "avtomobil"), ("табель", "tabel"),
    ("рубль", "rubl"), ("отель", "otel"), ("мебель", "mebel"), ("спектакль", "spektakl"),
    ("бюллетень", "byulleten"),
)

# Latin words kept as written inside Cyrillic text: technical acronyms, names and date-format codes that Django's
# and the project's messages show verbatim. Matched case-sensitively; an Uzbek suffix after them is converted
# (URLni → URLни).
PROTECTED_TERMS: tuple[str, ...] = (
    "API", "CSRF", "CSV", "DEBUG", "Django", "False", "HTML", "HTTP", "HTTPS", "ID", "IP", "JSON", "None",
    "OneID", "PDF", "SMS", "True", "URL", "UUID", "XML",
    "YYYY", "MM", "DD", "HH", "ss", "uuuuuu", "TZ",
)

# --- Cyrillic → Latin ------------------------------------------------------------------------------------------

_CYRILLIC_RUN = re.compile("[\u0400-\u04ff]+")
_CYR_VOWELS = frozenset("аеёиоуўэюяәөүұі")
_CYR_DIRECT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ё": "yo", "ж": "j", "з": "z", "и": "i", "й": "y",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "т": "t", "у": "u", "ф": "f",
    "х": "x", "ч": "ch", "ш": "sh", "щ": "sh", "ы": "i", "э": "e", "ю": "yu", "я": "ya", "ў": "o" + OKINA,
    "қ": "q", "ғ": "g" + OKINA, "ҳ": "h",
    # Best effort for Karakalpak, Kazakh and Ukrainian letters met in names: their usual Latin letters.
    "ә": "á", "ө": "ó", "ү": "ú", "ң": "ń", "ұ": "u", "і": "i", "һ": "h", "ї": "yi", "є": "ye", "ґ": "g",
}
_LEXICON_CYR = {cyrillic.rstrip("ь"): latin for cyrillic, latin in LEXICON}
_LEXICON_CYR_RE = re.compile("|".join(sorted(map(re.escape, _LEXICON_CYR), key=len, reverse=True)))


@lru_cache(maxsize=65536)
def _latin_pieces(word: str) -> tuple[str, ...]:
    """Latin for each letter of one lowercase Cyrillic word (a lexicon stem yields one piece, then ''s).

    Pieces, not a string, so a mixed-case word (ЎзР) can be re-cased letter by letter. Cached: a vocabulary is
    small and this is the hot path of ``fold``.
    """
    pieces: list[str] = []
    previous = ""
    start = 0
    stem = _LEXICON_CYR_RE.match(word)
    if stem:
        start = stem.end()
        pieces = [_LEXICON_CYR[stem.group()]] + [""] * (start - 1)
        previous = word[start - 1]
    length = len(word)
    for index in range(start, length):
        char = word[index]
        following = word[index + 1] if index + 1 < length else ""
        piece = _CYR_DIRECT.get(char)
        if piece is None:
            if char == "е":  # ye at a word start, after a vowel or a sign (ер → yer, поезд → poyezd)
                piece = "ye" if not previous or previous in _CYR_VOWELS or previous in "ъь" else "e"
            elif char == "ц":  # ts only inside a word after a vowel (лицей); else s (цирк, кварц, акция)
                piece = "ts" if previous in _CYR_VOWELS and following else "s"
            elif char == "ъ":  # not written before е in loans (объект → obyekt); else tutuq (маъно → maʼno)
                piece = "" if following == "е" else TUTUQ
            elif char == "ь":  # not written in Latin (сентябрь, апрель)
                piece = ""
            elif char == "с":  # с+ҳ are two letters, kept apart from sh by the tutuq (Исҳоқ → Isʼhoq)
                piece = "s" + TUTUQ if following == "ҳ" else "s"
            else:
                piece = char
        pieces.append(piece)
        previous = char
    return tuple(pieces)


def _latin_word(word: str) -> str:
    """Convert one run of Cyrillic letters, keeping its case: ТОШКЕНТ → TOSHKENT, Шаҳар → Shahar, ЎзР → OʻzR."""
    lower = word.lower()
    pieces = _latin_pieces(lower)
    if word == lower:
        return "".join(pieces)
    if word.isupper() and len(word) > 1:
        return "".join(pieces).upper()
    if word[0].isupper() and word[1:] == lower[1:]:
        joined = "".join(pieces)
        return joined[:1].upper() + joined[1:]
    out = []
    for index, (char, piece) in enumerate(zip(word, pieces)):
        if char.isupper():
            neighbour_upper = (index + 1 < len(word) and word[index + 1].isupper()) or (
                index > 0 and word[index - 1].isupper()
            )
            piece = piece.upper() if neighbour_upper else piece[:1].upper() + piece[1:]
        out.append(piece)
    return "".join(out)


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def to_latin(text: str) -> str:
    """Uzbek Cyrillic → 1995 Latin with ʻ (U+02BB) and ʼ (U+02BC). Only Cyrillic runs change, so Latin, digits and
    punctuation in mixed text are left exactly as they were."""
    if not text:
        return ""
    return _CYRILLIC_RUN.sub(lambda match: _latin_word(match.group()), _nfc(text))


# --- Apostrophes -----------------------------------------------------------------------------------------------

_APOSTROPHE_CLASS = "[" + re.escape(APOSTROPHES) + "]"
_APOSTROPHE_WORD = re.compile(f"[A-Za-z]+(?:{_APOSTROPHE_CLASS}{{1,2}}[A-Za-z]+)+")
_APOSTROPHE_AFTER_LETTER = re.compile(f"([A-Za-z])({_APOSTROPHE_CLASS}{{1,2}})")
_NON_UZBEK_LETTERS = re.compile("[wW]|[cC](?![hH])")
_ENGLISH_CONTRACTION = re.compile(f"{_APOSTROPHE_CLASS}(?:s|t|ll|re|ve)$")
_NAME_PARTICLE = re.compile(f"[A-Z]{_APOSTROPHE_CLASS}[A-Z][a-z]")  # O'Neill, D'Artagnan


def _canonical_marks(match: re.Match[str]) -> str:
    letter, marks = match.groups()
    if letter in "oOgG":
        return letter + OKINA + (TUTUQ if len(marks) == 2 else "")  # mo''jiza → moʻʼjiza
    return letter + TUTUQ


def _normalize_word(match: re.Match[str]) -> str:
    word = match.group()
    if _NON_UZBEK_LETTERS.search(word) or _ENGLISH_CONTRACTION.search(word) or _NAME_PARTICLE.match(word):
        return word
    return _APOSTROPHE_AFTER_LETTER.sub(_canonical_marks, word)


def normalize_apostrophes(text: str) -> str:
    """Write oʻ/gʻ with U+02BB and the tutuq with U+02BC, whatever apostrophe was typed.

    Only an apostrophe *between* Latin letters is touched, so quotation marks stay quotation marks; words that
    cannot be Uzbek (w, c without h, English contractions, O'Neill) are left as typed.
    """
    if not text:
        return ""
    return _APOSTROPHE_WORD.sub(_normalize_word, _nfc(text))


# --- Latin → Cyrillic ------------------------------------------------------------------------------------------

_LEXICON_LAT = {latin: cyrillic for cyrillic, latin in LEXICON}
_LEXICON_LAT_RE = re.compile("|".join(sorted(map(re.escape, _LEXICON_LAT), key=len, reverse=True)))
# Inflection after a short lexicon stem, so that sirkda → цирк+да while sirka (vinegar) stays сирка.
_SUFFIXES = re.compile(
    "(?:lar|ning|ni|ga|ka|qa|da|dan|dagi|gacha|i|si|im|ing|imiz|ingiz|miz|ngiz|dek|day|lik|li|siz|chi|mi|ham)*"
)
_SHORT_STEM = 5
_LETTER = "[^\\W\\d_]"
# A lowercase Latin tail after an acronym is an Uzbek suffix (URLni); after a lowercase term (ss) it is a word.
_PROTECTED_WITH_SUFFIX = "|".join(re.escape(term) for term in PROTECTED_TERMS if not term.islower())
_PROTECTED_EXACT = "|".join(re.escape(term) for term in PROTECTED_TERMS if term.islower())
_WORD_OR_SPAN = re.compile(
    "(?P<span>(?:https?://|www\\.)[^\\s<>\"]+|[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+"
    f"|(?<!{_LETTER})(?:{_PROTECTED_WITH_SUFFIX})(?![^\\W_a-z])|(?<!{_LETTER})(?:{_PROTECTED_EXACT})(?![^\\W_]))"
    f"|(?P<word>{_LETTER}+(?:{_APOSTROPHE_CLASS}{{1,2}}{_LETTER}+)*)"
)
_ASCII_LETTER = re.compile("[A-Za-z]")
_CAMEL_CASE = re.compile("[a-z][A-Z]")
_S_TUTUQ_H = re.compile(f"([Ss]){TUTUQ}([Hh])")
_LOAN_SOFT_YE = re.compile("(?<=[bdfjklmnprstvz])(y)(e)", re.IGNORECASE)  # Vasilyev → Васильев, pyesa → пьеса
# Latin ts is ц only in loans before i+vowel or e (operatsiya, patsient, litsey); elsewhere it is т+с across a
# suffix (ketsa, vaqtsiz, aytsin), which alifbo would turn into ц.
_NATIVE_TS = re.compile("t(?=s(?!i[aeiouy]|e))", re.IGNORECASE)
_LOAN_HARD_E = re.compile(f"(?<=[bdfjklmnprstvz]){TUTUQ}(e)", re.IGNORECASE)  # ob'ekt → объект
_CYRILLIC_S_HARD_H = re.compile("([сС])[ъЪ]([ҳҲ])")


def _cased(cyrillic: str, source: str) -> str:
    """Give a Cyrillic replacement the case of the Latin it replaces (ALL CAPS, Title or lower)."""
    if len(source) > 1 and source.isupper():
        return cyrillic.upper()
    if source[:1].isupper():
        return cyrillic[:1].upper() + cyrillic[1:]
    return cyrillic


@lru_cache(maxsize=16384)
def _cyrillic_word(word: str) -> str:
    """One Latin word (letters with inner apostrophes) → Cyrillic; cached because alifbo is slow per call."""
    if _NON_UZBEK_LETTERS.search(word) or _CAMEL_CASE.search(word):
        return word  # Windows, iPhone: not Uzbek, kept as alifbo would keep them (and before our rules touch them)
    word = _APOSTROPHE_AFTER_LETTER.sub(_canonical_marks, word)
    lower = word.lower()
    head = ""
    stem = _LEXICON_LAT_RE.match(lower)
    if stem:
        rest = lower[stem.end():]
        if not rest or len(stem.group()) >= _SHORT_STEM or _SUFFIXES.fullmatch(rest):
            lemma = _LEXICON_LAT[stem.group()]
            head = _cased(lemma if not rest else lemma.rstrip("ь"), word[: stem.end()])
            word = word[stem.end():]
    word = _NATIVE_TS.sub(lambda m: "Т" if m[0] == "T" else "т", word)
    word = _S_TUTUQ_H.sub(lambda m: ("С" if m[1] == "S" else "с") + ("Ҳ" if m[2] == "H" else "ҳ"), word)
    word = _LOAN_HARD_E.sub(lambda m: "ЪЕ" if m[1] == "E" else "ъе", word)
    word = _LOAN_SOFT_YE.sub(lambda m: "ЬЕ" if m[1] == "Y" else "ье", word)
    if not word:
        return head
    return head + _CYRILLIC_S_HARD_H.sub(r"\1\2", alifbo.to_cyrillic(word).text)


def to_cyrillic(text: str) -> str:
    """Uzbek Latin (any apostrophe variant) → Uzbek Cyrillic.

    Cyrillic already in the text, URLs, e-mail addresses, ``PROTECTED_TERMS`` and words with non-Uzbek letters
    (Windows, iPhone) are kept; quotation marks are not mistaken for the tutuq.
    """
    if not text:
        return ""

    def convert(match: re.Match[str]) -> str:
        word = match.group("word")
        if word is None or not _ASCII_LETTER.search(word):
            return match.group()
        return _cyrillic_word(word)

    return _WORD_OR_SPAN.sub(convert, _nfc(text))


# --- Detection and search folding ------------------------------------------------------------------------------

_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_CYRILLIC_LETTER = re.compile("[\u0400-\u04ff]")


def detect_script(text: str) -> Literal["latin", "cyrillic", "mixed", "none"]:
    """Which script the letters of ``text`` are in; "none" when it has no Latin or Cyrillic letters."""
    latin = _LATIN_LETTER.search(text) is not None
    cyrillic = _CYRILLIC_LETTER.search(text) is not None
    if latin and cyrillic:
        return "mixed"
    return "latin" if latin else "cyrillic" if cyrillic else "none"


def _build_fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(char): None for char in APOSTROPHES}
    for code in range(0x300, 0x370):  # combining marks left after lowercasing (İ → i̇)
        table[code] = None
    for code in range(0xC0, 0x250):  # Latin letters with diacritics → their base letter (Nókis → nokis)
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii() and base.isalpha():
            table[code] = base.lower()
    # The 2026 alphabet (ş, ç for sh, ch; ö, ğ for oʻ, gʻ fold with the apostrophe dropped) and a few ligatures.
    table.update({ord("ş"): "sh", ord("Ş"): "sh", ord("ç"): "ch", ord("Ç"): "ch", ord("ı"): "i", ord("ß"): "ss",
                  ord("æ"): "ae", ord("œ"): "oe", ord("ø"): "o", ord("đ"): "d", ord("ł"): "l"})
    return table


_FOLD_TABLE = _build_fold_table()
_NON_WORD = re.compile(r"[\W_]+")


def _fold_cyrillic(match: re.Match[str]) -> str:
    return "".join(_latin_pieces(match.group()))


def fold(text: str) -> str:
    """The search key of ``text``: the same for both scripts, any case and any apostrophe.

    Cyrillic is transliterated with the rules and lexicon of ``to_latin``, then everything is lowercased, the
    apostrophes are dropped (so Oʻzbekiston, O'zbekiston and Ozbekiston meet, and obʼyekt meets obyekt), Latin
    diacritics and the 2026 letters fold to plain letters, and punctuation and whitespace collapse to single
    spaces. Keys are for matching only, never for display.
    """
    if not text:
        return ""
    text = _nfc(text).lower()
    if _CYRILLIC_LETTER.search(text):
        text = _CYRILLIC_RUN.sub(_fold_cyrillic, text)
    return _NON_WORD.sub(" ", text.translate(_FOLD_TABLE)).strip()
