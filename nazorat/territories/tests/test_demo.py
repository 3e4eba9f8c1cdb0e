"""Demo mahallas: believable, four languages, codes that never collide with SOATO settlements."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from nazorat.territories.demo import generate_demo_mahallas
from nazorat.territories.models import Level, Territory

pytestmark = pytest.mark.django_db


def test_generates_mahallas_under_each_district_in_four_languages():
    assert generate_demo_mahallas(["1714204", "1726294"], per_district=3) == 6
    rows = list(Territory.objects.filter(level=Level.MAHALLA).order_by("code"))
    assert [r.code for r in rows] == [
        "1714204100", "1714204101", "1714204102", "1726294100", "1726294101", "1726294102"]
    for row in rows:
        assert row.parent_id == row.code[:7]
        assert 100 <= int(row.code[7:]) <= 199
        assert row.name_uz.endswith(" MFY") and row.name_uz_cyrl.endswith(" МФЙ")
        assert row.name_ru and row.name_en
        assert row.search_text
    assert len({r.name_uz for r in rows if r.parent_id == "1714204"}) == 3


def test_is_idempotent():
    assert generate_demo_mahallas(["1714204"], per_district=4) == 4
    before = list(Territory.objects.filter(level=Level.MAHALLA).values_list("code", "name_uz", "name_ru"))
    assert generate_demo_mahallas(["1714204"], per_district=4) == 0
    after = list(Territory.objects.filter(level=Level.MAHALLA).values_list("code", "name_uz", "name_ru"))
    assert before == after and len(after) == 4


def test_whole_country_gets_mahallas_in_one_call():
    districts = list(Territory.objects.districts().values_list("code", flat=True))
    assert generate_demo_mahallas(districts) == 3 * len(districts)
    assert not Territory.objects.districts().filter(children__isnull=True).exists()


def test_refuses_regions_and_unknown_codes():
    with pytest.raises(ValidationError):
        generate_demo_mahallas(["1714", "1714999"])
    assert not Territory.objects.filter(level=Level.MAHALLA).exists()
