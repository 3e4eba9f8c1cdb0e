"""Registration numbers stay unique and gap-free when many appeals arrive at once (Art 23, R-B2).

A file of its own: a transactional test empties the tables when it ends, so it must run after the tests that
rely on the migrated reference data (pytest-django orders transactional tests last; with ``--dist loadfile``
that holds only for a file holding nothing else)."""

import threading

import pytest
from django.db import close_old_connections, connection

from nazorat.cases.models import Case

from .conftest import Gov


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submissions_get_unique_gap_free_numbers():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("in-memory SQLite shares one connection")
    gov = Gov()
    errors, barrier = [], threading.Barrier(6)

    def submit(i):
        try:
            barrier.wait(timeout=10)
            gov.submit(last_name=f"Muallif{i}", email=f"m{i}@example.uz", phone="",
                       text=f"Murojaat {i}: har xil masala boʻyicha mustaqil murojaat matni {i * 7919}.")
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    sequences = sorted(Case.objects.filter(kind="appeal", register=gov.region).values_list("sequence", flat=True))
    assert sequences == [1, 2, 3, 4, 5, 6]
