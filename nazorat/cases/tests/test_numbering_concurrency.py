"""Registration numbers stay unique and gap-free when many submissions arrive at once."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from nazorat import testing
from nazorat.cases import services


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_openings_get_unique_gap_free_numbers():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("in-memory SQLite shares one connection; CI proves this on PostgreSQL")
    region = testing.org(name="Namangan viloyati hokimligi", territory_code="1714")
    clerk = testing.staff(region, position="unit_head", roles=("control_group",))
    due = timezone.now() + timedelta(days=10)
    errors, barrier = [], threading.Barrier(8)

    def submit(i):
        try:
            barrier.wait(timeout=10)
            services.case_open(kind="letter", actor=clerk, owner=region, title=f"Xat {i}", due_at=due)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    from nazorat.cases.models import Case

    sequences = sorted(Case.objects.filter(register=region).values_list("sequence", flat=True))
    assert sequences == list(range(1, 9))
    assert Case.objects.filter(register=region).values("number").distinct().count() == 8
