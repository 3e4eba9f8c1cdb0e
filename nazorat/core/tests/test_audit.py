"""The event log is append-only: the ORM refuses, and the database refuses too."""

import pytest
from django.db import DatabaseError, connection, transaction

from nazorat import testing
from nazorat.core import events
from nazorat.core.models import Event


@pytest.fixture
def event(db):
    organisation = testing.org(name="Pop tumani hokimligi", territory_code="1714219")
    user = testing.staff(organisation, position="head", roles=("signatory",), title="Pop tumani hokimi")
    return events.record(action="test.done", actor=user, obj=organisation, payload={"x": 1})


def test_event_keeps_actor_position_and_organisation(event):
    assert event.actor_position == "Pop tumani hokimi"
    assert event.actor_organisation.name_uz == "Pop tumani hokimligi"
    assert event.object_type == "orgs.organisation"


def test_orm_refuses_to_change_or_delete_events(event):
    event.action = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        Event.objects.filter(pk=event.pk).delete()


def test_database_refuses_update_even_with_raw_sql(event):
    with pytest.raises(DatabaseError):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("UPDATE core_event SET action = 'tampered' WHERE id = %s", [event.pk])
    assert Event.objects.get(pk=event.pk).action == "test.done"


@pytest.mark.postgres
def test_postgres_trigger_refuses_delete(event):
    if connection.vendor != "postgresql":
        pytest.skip("the DELETE trigger is installed on PostgreSQL (CI runs the suite there)")
    with pytest.raises(DatabaseError) as err:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("DELETE FROM core_event WHERE id = %s", [event.pk])
    assert "append-only" in str(err.value)
    assert Event.objects.filter(pk=event.pk).exists()
