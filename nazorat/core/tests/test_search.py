"""The search interface on a real model: folded keys make Cyrillic and Latin find each other (R-E2)."""

import pytest

from nazorat.core.search import MAX_TOKENS, build_search_text, search
from nazorat.core.text import fold
from nazorat.territories.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions():
    both = Territory(code="1714", level="region", kind="region", name_uz="Namangan viloyati",
                     name_uz_cyrl="Наманган вилояти")
    latin_only = Territory(code="1798", level="region", kind="region", name_uz="Oʻzbekiston Respublikasi")
    cyrillic_only = Territory(code="1799", level="region", kind="region", name_uz="Фарғона вилояти")
    for territory in (both, latin_only, cyrillic_only):
        territory.save()
    return both, latin_only, cyrillic_only


def rows():
    """Only this module's rows: the migrations also load the real territory tree."""
    return Territory.objects.filter(code__in=["1714", "1798", "1799"])


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def test_cyrillic_query_finds_a_latin_only_row(regions):
    assert codes(search(rows(), "Ўзбекистон")) == ["1798"]
    assert codes(search(rows(), "РЕСПУБЛИКАСИ")) == ["1798"]


def test_latin_query_finds_a_cyrillic_only_row(regions):
    assert codes(search(rows(), "Farg'ona")) == ["1799"]
    assert codes(search(rows(), "FARGʻONA")) == ["1799"]


def test_every_token_must_match(regions):
    assert codes(search(rows(), "viloyati")) == ["1714", "1799"]
    assert codes(search(rows(), "вилояти наманган")) == ["1714"]
    assert codes(search(rows(), "Namangan Farg'ona")) == []


def test_partial_words_match(regions):
    assert codes(search(rows(), "Наман")) == ["1714"]


@pytest.mark.parametrize("query", ["", "   ", None, "%", "_", "%%__", "\t\n"])
def test_query_without_letters_or_digits_returns_the_queryset_unchanged(regions, query):
    queryset = rows()
    assert search(queryset, query) is queryset


def test_like_wildcards_are_not_wildcards(regions):
    # fold turns % and _ into separators, so search() never hands them to LIKE ...
    assert fold("Nam%gan") == "nam gan"
    assert fold("na_angan") == "na angan"
    assert codes(search(rows(), "Nam%gan")) == ["1714"]  # two literal tokens, "nam" and "gan"
    # ... and Django escapes them for any caller that passes them straight to icontains.
    assert not Territory.objects.filter(search_text__icontains="_").exists()
    assert not Territory.objects.filter(search_text__icontains="n%n").exists()


def test_the_number_of_tokens_is_capped(regions):
    matching = ["namangan", "viloyati", "nam", "aman", "gan", "vil", "loy", "yati"]
    assert len(matching) == MAX_TOKENS
    assert codes(search(rows(), " ".join(matching + ["zzz"]))) == ["1714"]  # "zzz" is past the cap
    assert codes(search(rows(), "namangan " * 50 + "zzz")) == []  # repeats count once


def test_search_accepts_another_field(regions):
    assert codes(search(rows(), "1714", field="code")) == ["1714"]


def test_build_search_text():
    expected = fold("Toshkent shahri Тошкент шаҳри 17")
    assert build_search_text("Toshkent shahri", None, "", "Тошкент шаҳри", 17) == expected
    assert build_search_text() == ""
