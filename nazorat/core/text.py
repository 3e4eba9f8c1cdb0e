"""One place for Uzbek script handling: apostrophes, transliteration, search folding (R-E2).

Refined by the transliteration work (lexicon, golden tests); the public functions are stable:
``normalize_apostrophes``, ``to_latin``, ``to_cyrillic``, ``fold``.
"""

from __future__ import annotations

import alifbo


def fold(text: str) -> str:
    """Fold text for search: script (Cyrillic → Latin), case and apostrophes, so that a Cyrillic query
    finds Latin text and the reverse."""
    if not text:
        return ""
    return alifbo.fold_search_key(text)


def to_cyrillic(text: str) -> str:
    """Uzbek Latin → Uzbek Cyrillic."""
    if not text:
        return ""
    return alifbo.to_cyrillic(text).text
