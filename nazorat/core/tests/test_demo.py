"""The demo data: believable, one login per role, and idempotent."""

import pytest

from nazorat.accounts.models import User
from nazorat.core import demo
from nazorat.orgs.models import Membership, Organisation, Role
from nazorat.territories.models import Territory


@pytest.mark.django_db
def test_seed_demo_creates_namangan_and_a_login_per_role_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = demo.seed()
    assert first["organisations"] > 50 and first["letters"] == 3
    namangan_districts = Territory.objects.filter(parent_id="1714", level="district").count()
    assert Organisation.objects.filter(kind="hokimlik", level="district", territory__parent_id="1714").count() \
        == namangan_districts
    for code in ("moj", "cabinet", "accounts-chamber", "pa", "nam-justice", "nam-reception", "digital"):
        assert Organisation.objects.filter(code=code).exists(), code
    held = set(Membership.objects.filter(user__username__in=[l.username for l in demo.LOGINS])
               .values_list("roles__role", flat=True))
    assert set(Role.values) <= held
    for login in demo.LOGINS:
        assert User.objects.get(username=login.username).check_password(demo.DEMO_PASSWORD)
    assert Territory.objects.filter(level="mahalla", parent_id="1714237").count() >= 3
    from nazorat.receptions.models import ReceptionSchedule, ReceptionSlot

    assert ReceptionSchedule.objects.filter(is_published=True).count() == 2
    assert ReceptionSlot.objects.exists()  # times to book in the next four weeks
    again = demo.seed()
    assert again == {"organisations": 0, "people": 0, "letters": 0, "mahallas": 0}
