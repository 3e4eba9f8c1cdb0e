import pytest

from nazorat import testing
from nazorat.core.models import Event


@pytest.mark.django_db
def test_organisation_tree_paths_and_events():
    region = testing.org(name="Namangan viloyati hokimligi", territory_code="1714")
    district = testing.org(parent=region, territory_code="1714401", name="Namangan shahar hokimligi")
    assert district.path.startswith(region.path)
    assert list(region.subtree()) == [region, district]
    assert Event.objects.filter(action="organisation.created").count() == 2
    assert district.name_uz_cyrl  # filled by transliteration when not given
