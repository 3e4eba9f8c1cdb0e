"""Administrators' overrides: a decree's day off or working day changes deadlines at once, in the regime it
names, and every change is audited."""

from datetime import date

import pytest
from django.utils import translation
from django.core.exceptions import ValidationError
from django.urls import reverse

from nazorat.core.models import Event
from nazorat.workcalendar import services
from nazorat.workcalendar.models import CalendarOverride, OverrideKind

pytestmark = pytest.mark.django_db

D = date.fromisoformat


def add_override(day: str, kind: str = OverrideKind.DAY_OFF, work_week: int = 0, actor=None, **names):
    return services.override_create(
        actor=actor, date=D(day), kind=kind, work_week=work_week,
        name_uz=names.pop("name_uz", "Qoʻshimcha dam olish kuni"), legal_basis="PQ-999, 01.06.2026", **names,
    )


def test_an_added_day_off_moves_a_deadline_at_once(five):
    start = D("2026-06-01")
    assert five.add_calendar_days(start, 15) == D("2026-06-16")  # loads June into the cache
    add_override("2026-06-16", name_en="Additional day off")
    assert not five.is_working_day(D("2026-06-16"))
    assert five.add_calendar_days(start, 15) == D("2026-06-17")
    with translation.override("uz"):
        assert five.holiday_name(D("2026-06-16")) == "Qoʻshimcha dam olish kuni"
    assert five.is_pre_holiday(D("2026-06-15"))


def test_a_six_day_only_override_leaves_the_five_day_week_alone(five, six):
    add_override("2026-06-06", work_week=6)  # a Saturday made a day off for six-day workers
    assert not six.is_working_day(D("2026-06-06"))
    assert five.add_working_days(D("2026-06-05"), 1) == D("2026-06-08")
    assert not five.is_holiday(D("2026-06-06"))
    assert six.add_working_days(D("2026-06-05"), 1) == D("2026-06-08")


def test_a_working_day_override_cancels_a_day_off(five):
    add_override("2026-12-31", kind=OverrideKind.WORKING_DAY, work_week=5, name_uz="Ish kuni")
    assert five.is_working_day(D("2026-12-31"))
    assert five.holiday_name(D("2026-12-31")) is None
    assert five.next_working_day(D("2026-12-30")) == D("2026-12-31")


def test_an_override_for_one_regime_wins_over_one_for_both(five, six):
    add_override("2026-06-16", work_week=0)
    add_override("2026-06-16", kind=OverrideKind.WORKING_DAY, work_week=6, name_uz="Ish kuni")
    assert not five.is_working_day(D("2026-06-16"))
    assert six.is_working_day(D("2026-06-16"))


def test_override_names_by_language(five):
    from django.utils import translation

    add_override("2026-06-16", name_uz="Qoʻshimcha dam olish kuni", name_ru="Дополнительный выходной")
    with translation.override("ru"):
        assert five.holiday_name(D("2026-06-16")) == "Дополнительный выходной"
    with translation.override("uz-cyrl"):  # transliterated when not given
        assert five.holiday_name(D("2026-06-16")) == "Қўшимча дам олиш куни"
    with translation.override("en"):  # no English name: Uzbek
        assert five.holiday_name(D("2026-06-16")) == "Qoʻshimcha dam olish kuni"


def test_create_records_the_actor_and_an_event():
    from nazorat import testing

    admin = testing.person()
    override = add_override("2026-06-16", actor=admin)
    assert override.created_by == admin
    event = Event.objects.get(action="calendar.override_created")
    assert event.actor == admin
    assert event.object_id == str(override.pk)
    assert event.payload["date"] == "2026-06-16"
    assert event.payload["kind"] == "day_off"
    assert event.payload["legal_basis"] == "PQ-999, 01.06.2026"


def test_a_duplicate_for_the_same_date_and_regime_is_refused():
    add_override("2026-06-16", work_week=5)
    with pytest.raises(ValidationError) as error:
        add_override("2026-06-16", work_week=5, kind=OverrideKind.WORKING_DAY)
    assert "There is already an override for this date and work-week regime." in error.value.messages
    assert CalendarOverride.objects.count() == 1
    assert Event.objects.filter(action="calendar.override_created").count() == 1
    add_override("2026-06-16", work_week=6)  # the other regime is a different row
    assert CalendarOverride.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name_uz": "  "}, "name_uz"),
        ({"legal_basis": ""}, "legal_basis"),
        ({"kind": "holiday"}, "kind"),
        ({"work_week": 7}, "work_week"),
    ],
)
def test_incomplete_or_invalid_overrides_are_refused(changes, field):
    fields = {"date": D("2026-06-16"), "kind": OverrideKind.DAY_OFF, "work_week": 0,
              "name_uz": "Dam olish kuni", "legal_basis": "PQ-999", **changes}
    with pytest.raises(ValidationError) as error:
        services.override_create(actor=None, **fields)
    assert field in error.value.message_dict
    assert not CalendarOverride.objects.exists()


def test_update_and_delete_are_audited_and_reach_the_calendar(five):
    override = add_override("2026-06-16")
    services.override_update(actor=None, override=override, date=D("2026-06-17"))
    assert five.is_working_day(D("2026-06-16"))
    assert not five.is_working_day(D("2026-06-17"))
    changed = Event.objects.get(action="calendar.override_changed")
    assert changed.payload == {"changes": {"date": ["2026-06-16", "2026-06-17"]}}
    services.override_delete(actor=None, override=override)
    assert five.is_working_day(D("2026-06-17"))
    assert Event.objects.get(action="calendar.override_deleted").payload["date"] == "2026-06-17"


def test_admin_add_goes_through_the_service(admin_client, admin_user, five):
    response = admin_client.post(reverse("admin:workcalendar_calendaroverride_add"), {
        "date": "2026-06-16", "kind": "day_off", "work_week": "0", "name_uz": "Qoʻshimcha dam olish kuni",
        "name_uz_cyrl": "", "name_ru": "", "name_en": "Additional day off", "legal_basis": "PQ-999",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    override = CalendarOverride.objects.get()
    assert override.created_by == admin_user
    assert override.name_uz_cyrl == "Қўшимча дам олиш куни"
    assert Event.objects.get(action="calendar.override_created").actor == admin_user
    assert not five.is_working_day(D("2026-06-16"))


def test_admin_shows_a_duplicate_as_a_form_error(admin_client):
    add_override("2026-06-16", work_week=0)
    response = admin_client.post(reverse("admin:workcalendar_calendaroverride_add"), {
        "date": "2026-06-16", "kind": "working_day", "work_week": "0", "name_uz": "Ish kuni",
        "legal_basis": "PQ-999",
    })
    assert response.status_code == 200
    assert "There is already an override for this date and work-week regime." in response.content.decode()
    assert CalendarOverride.objects.count() == 1


def test_admin_change_list_and_delete(admin_client, five):
    override = add_override("2026-06-16")
    changelist = reverse("admin:workcalendar_calendaroverride_changelist")
    response = admin_client.get(changelist, {"kind__exact": "day_off", "work_week__exact": "0"})
    assert response.status_code == 200
    assert "PQ-999, 01.06.2026" in response.content.decode()
    response = admin_client.post(
        reverse("admin:workcalendar_calendaroverride_delete", args=[override.pk]), {"post": "yes"},
    )
    assert response.status_code == 302
    assert not CalendarOverride.objects.exists()
    assert Event.objects.filter(action="calendar.override_deleted").exists()
    assert five.is_working_day(D("2026-06-16"))


def test_admin_change_goes_through_the_service(admin_client, admin_user, five):
    override = add_override("2026-06-16")
    response = admin_client.post(reverse("admin:workcalendar_calendaroverride_change", args=[override.pk]), {
        "date": "2026-06-17", "kind": "day_off", "work_week": "0", "name_uz": override.name_uz,
        "name_uz_cyrl": override.name_uz_cyrl, "name_ru": "", "name_en": "", "legal_basis": override.legal_basis,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    changed = Event.objects.get(action="calendar.override_changed")
    assert changed.actor == admin_user
    assert changed.payload == {"changes": {"date": ["2026-06-16", "2026-06-17"]}}
    assert five.is_working_day(D("2026-06-16"))
    assert not five.is_working_day(D("2026-06-17"))


def test_renaming_keeps_a_transliterated_cyrillic_name_in_step():
    override = add_override("2026-06-16", name_uz="Dam olish kuni")
    services.override_update(actor=None, override=override, name_uz="Bayram kuni")
    assert override.name_uz_cyrl == "Байрам куни"
    override = add_override("2026-06-17", name_uz="Dam olish kuni", name_uz_cyrl="Дам олиш куни (қўлда)")
    services.override_update(actor=None, override=override, name_uz="Bayram kuni")
    assert override.name_uz_cyrl == "Дам олиш куни (қўлда)"
