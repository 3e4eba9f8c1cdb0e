"""Reception pages (R-B12; law on appeals Art 9: the schedule is published on the website).

Public: the published schedules with filters and their next free times, a schedule's times, a time with the
booking form (booking needs a login). The citizen: "my bookings" with cancel. Staff: the schedules they keep,
create and edit, publish, and the desk — a day's list with attended / not come, walk-ins and cancellations.

Each action checks the same predicate the service will (403) before reading the form, validates the form
(400, re-rendered with errors next to the fields), calls the service — which may still refuse (400, 403, or
409 for a full, past or closed time, with the reason shown) — and on success redirects with a message.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nazorat.orgs.models import Membership, Organisation
from nazorat.territories.models import Territory

from . import permissions, selectors, services
from .forms import BookingForm, CancelForm, MarkForm, ScheduleForm, WalkInForm, add_service_errors
from .models import Booking, BookingState, ReceptionKind, ReceptionSchedule
from .services import ReceptionStateError

PAGE_SIZE = 20


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- public ----------------------------------------------------------------------------------------

def _filter_options(published):
    """The choices of the public filters, limited to what has published schedules."""
    rows = list(published.values_list("territory_id", "organisation_id", "official_id"))
    codes = {c for t, _o, _m in rows if t for c in (t[:4], t[:7])}
    territories = list(Territory.objects.filter(code__in=codes).order_by("code"))
    organisations = list(Organisation.objects.filter(pk__in={o for _t, o, _m in rows}).order_by("path"))
    officials = list(Membership.objects.filter(pk__in={m for _t, _o, m in rows})
                     .select_related("user", "organisation").order_by("user__last_name", "user__first_name"))
    return territories, organisations, officials


@require_GET
def schedule_list(request):
    published = selectors.published_schedules()
    q = request.GET.get("q", "").strip()[:200]
    territory = request.GET.get("territory", "").strip()
    territory = territory if territory.isdigit() and len(territory) <= 12 else ""
    organisation = _int(request.GET.get("organisation"))
    official = _int(request.GET.get("official"))
    kind = request.GET.get("kind", "")
    kind = kind if kind in ReceptionKind.values else ""
    qs = selectors.filter_schedules(published, q=q, territory=territory, organisation=organisation,
                                    official=official, kind=kind)
    page = Paginator(qs.order_by("organisation__path", "official__position", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    next_slots = selectors.next_free_slots(page.object_list)
    for schedule in page.object_list:
        schedule.next_slots = next_slots.get(schedule.pk, [])
    territories, organisations, officials = _filter_options(published)
    return render(request, "receptions/list.html", {
        "page": page, "q": q, "territory": territory, "organisation": organisation, "official": official,
        "kind": kind, "kinds": ReceptionKind.choices, "territories": territories,
        "organisations": organisations, "officials": officials,
    })


@require_GET
def schedule_detail(request, pk: int):
    schedule = get_object_or_404(selectors.schedules_visible_to(request.user), pk=pk)
    by_day: OrderedDict[date, list] = OrderedDict()
    for slot in selectors.upcoming_slots(schedule, until=services.horizon()):
        by_day.setdefault(slot.date, []).append(slot)
    return render(request, "receptions/schedule.html", {
        "schedule": schedule, "days": by_day,
        "can_manage": permissions.can_manage_schedule(request.user, schedule),
        "can_desk": permissions.can_run_desk(request.user, schedule),
    })


def _visible_slot(request, pk):
    slot = selectors.slot_for(request.user, pk)
    if slot is None:
        raise Http404
    return slot


def _render_slot(request, slot, form=None, status=200):
    mine = None
    if request.user.is_authenticated:
        mine = (Booking.objects.filter(slot=slot, citizen=request.user).exclude(state=BookingState.CANCELLED)
                .first())
    return render(request, "receptions/slot.html", {
        "slot": slot, "schedule": slot.schedule, "form": form or BookingForm(), "mine": mine,
        "started": slot.has_started(), "can_desk": permissions.can_run_desk(request.user, slot.schedule),
    }, status=status)


@require_GET
def slot_detail(request, pk: int):
    return _render_slot(request, _visible_slot(request, pk))


@require_POST
def book(request, pk: int):
    slot = _visible_slot(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("receptions:slot", args=[slot.pk]))
    form = BookingForm(request.POST)
    if not form.is_valid():
        return _render_slot(request, slot, form, status=400)
    try:
        booking = services.booking_create(actor=request.user, slot=slot, topic=form.cleaned_data["topic"])
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_slot(request, slot, form, status=400)
    except ReceptionStateError as exc:
        messages.error(request, str(exc))
        return _render_slot(request, _visible_slot(request, pk), form, status=409)
    messages.success(request, _("You are booked for %(when)s. A confirmation has been sent to you.") % {
        "when": services.when_text(booking.slot.starts_at)})
    return redirect("receptions:mine")


# --- the citizen -----------------------------------------------------------------------------------

def _render_mine(request, *, status=200, failed: tuple[int, CancelForm] | None = None):
    now = timezone.now()
    bookings = list(selectors.bookings_of(request.user))
    upcoming = [b for b in bookings if b.slot.ends_at > now and b.state == BookingState.BOOKED]
    upcoming.reverse()
    past = [b for b in bookings if b not in upcoming]
    for b in upcoming:
        b.can_cancel = not b.slot.has_started(now)
        b.cancel_form = failed[1] if failed and failed[0] == b.pk else CancelForm(auto_id=f"cancel-{b.pk}-%s")
    return render(request, "receptions/mine.html", {"upcoming": upcoming, "past": past}, status=status)


@login_required
@require_GET
def my_bookings(request):
    return _render_mine(request)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@login_required
@require_POST
def booking_cancel(request, pk: int):
    booking = get_object_or_404(selectors.bookings_visible_to(request.user), pk=pk)
    own = permissions.owns_booking(request.user, booking)
    desk = permissions.can_run_desk(request.user, booking.schedule)
    if not own and not desk:
        raise PermissionDenied
    staff_side = desk and (not own or request.POST.get("from") == "desk")
    form = CancelForm(request.POST, reason_required=staff_side, auto_id=f"cancel-{booking.pk}-%s")
    error = None
    if form.is_valid():
        try:
            services.booking_cancel(actor=request.user, booking=booking, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
            error = 400
        except ReceptionStateError as exc:
            messages.error(request, str(exc))
            error = 409
    else:
        error = 400
    if error is None:
        messages.success(request, _("The booking has been cancelled; the time is free for others."))
        fallback = (reverse("receptions:day", args=[booking.schedule_id]) + f"?date={booking.day.isoformat()}"
                    if staff_side else reverse("receptions:mine"))
        return redirect(_safe_next(request, fallback))
    if staff_side:
        return _render_day(request, booking.schedule, booking.day, status=error, cancel=(booking.pk, form))
    return _render_mine(request, status=error, failed=(booking.pk, form))


# --- staff: schedules --------------------------------------------------------------------------------

@login_required
@require_GET
def manage(request):
    schedules = selectors.schedules_at_desk(request.user).order_by("organisation__path", "official_id", "pk")
    officials = selectors.officials_managed_by(request.user)
    if not schedules.exists() and not officials.exists():
        raise PermissionDenied
    rows = []
    for s in schedules:
        rows.append({"schedule": s, "can_manage": permissions.can_manage_schedule(request.user, s)})
    return render(request, "receptions/manage.html", {
        "rows": rows, "can_create": officials.exists(), "today": timezone.localdate(),
    })


def _schedule_form_context(request, form, schedule=None):
    return {"form": form, "schedule": schedule}


def _schedule_values(data: dict) -> dict:
    values = {k: v for k, v in data.items() if k != "official"}
    values["territory"] = data.get("territory")
    values["place_ru"] = data.get("place_ru") or ""
    values["place_en"] = data.get("place_en") or ""
    values["weekdays"] = data.get("weekdays") or []
    return values


@login_required
@require_http_methods(["GET", "POST"])
def schedule_create(request):
    officials = selectors.officials_managed_by(request.user)
    if not officials.exists():
        raise PermissionDenied
    organisations = {m.organisation_id: m.organisation for m in officials}.values()
    form = ScheduleForm(request.POST or None, officials=officials, organisations=organisations,
                        initial={"slot_minutes": 30, "valid_from": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            values = _schedule_values(data)
            if values.get("capacity") is None:
                values.pop("capacity")
            if values.get("valid_from") is None:
                values.pop("valid_from")
            try:
                schedule = services.schedule_create(actor=request.user, official=data["official"], **values)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The schedule has been saved. Publish it to open it for booking."))
                return redirect("receptions:schedule", pk=schedule.pk)
        status = 400
    return render(request, "receptions/schedule_form.html", _schedule_form_context(request, form), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request, pk: int):
    schedule = get_object_or_404(selectors.schedules_visible_to(request.user), pk=pk)
    if not permissions.can_manage_schedule(request.user, schedule):
        raise PermissionDenied
    initial = {
        "kind": schedule.kind, "territory": schedule.territory_id, "place_uz": schedule.place_uz,
        "place_ru": schedule.place_ru, "place_en": schedule.place_en, "weekdays": schedule.weekday_numbers,
        "on_date": schedule.on_date, "start_time": schedule.start_time, "end_time": schedule.end_time,
        "slot_minutes": schedule.slot_minutes, "capacity": schedule.capacity, "valid_from": schedule.valid_from,
        "valid_until": schedule.valid_until, "notes": schedule.notes,
    }
    form = ScheduleForm(request.POST or None, initial=initial, editing=True, organisations=[schedule.organisation])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = _schedule_values(form.cleaned_data)
            if values.get("capacity") is None:
                values["capacity"] = services.DEFAULT_CAPACITY.get(values["kind"], 1)
            if values.get("valid_from") is None:
                values["valid_from"] = schedule.valid_from
            if "place_uz" in form.changed_data:
                values["place_uz_cyrl"] = ""  # transliterated again from the new Uzbek text
            try:
                services.schedule_update(actor=request.user, schedule=schedule, **values)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The schedule has been changed."))
                return redirect("receptions:schedule", pk=schedule.pk)
        status = 400
    return render(request, "receptions/schedule_form.html", _schedule_form_context(request, form, schedule),
                  status=status)


@login_required
@require_POST
def schedule_publish(request, pk: int):
    schedule = get_object_or_404(selectors.schedules_visible_to(request.user), pk=pk)
    if not permissions.can_manage_schedule(request.user, schedule):
        raise PermissionDenied
    publish = request.POST.get("publish") != "0"
    services.schedule_publish(actor=request.user, schedule=schedule, publish=publish)
    messages.success(request, _("The schedule is published and open for booking.") if publish
                     else _("The schedule is no longer published. Bookings already made are kept."))
    return redirect("receptions:schedule", pk=schedule.pk)


# --- staff: the desk ---------------------------------------------------------------------------------

def _desk_schedule(request, pk) -> ReceptionSchedule:
    schedule = get_object_or_404(selectors.schedules_visible_to(request.user), pk=pk)
    if not permissions.can_run_desk(request.user, schedule):
        raise PermissionDenied
    return schedule


def _render_day(request, schedule, day, *, status=200, walk_in=None, cancel=None):
    slots = selectors.day_list(request.user, schedule, day)
    now = timezone.now()
    for slot in slots:
        for b in slot.day_bookings:
            b.cancel_form = (cancel[1] if cancel and cancel[0] == b.pk
                             else CancelForm(reason_required=True, auto_id=f"cancel-{b.pk}-%s"))
            b.can_mark_attended = b.state == BookingState.BOOKED and slot.date <= timezone.localdate(now)
            b.can_mark_no_show = b.state == BookingState.BOOKED and slot.has_started(now)
    if walk_in is None:
        walk_in = WalkInForm(slots=slots, auto_id="walk-in-%s")
    return render(request, "receptions/day.html", {
        "schedule": schedule, "day": day, "slots": slots, "walk_in": walk_in,
        "previous": day - timedelta(days=1), "next": day + timedelta(days=1), "today": timezone.localdate(),
        "now": now,
    }, status=status)


@login_required
@require_GET
def day(request, pk: int):
    schedule = _desk_schedule(request, pk)
    day = _day(request.GET.get("date")) or timezone.localdate()
    return _render_day(request, schedule, day)


@login_required
@require_POST
def walk_in(request, pk: int):
    schedule = _desk_schedule(request, pk)
    day = _day(request.POST.get("date")) or timezone.localdate()
    slots = list(schedule.slots.filter(date=day).order_by("starts_at"))
    form = WalkInForm(request.POST, slots=slots, auto_id="walk-in-%s")
    if form.is_valid():
        slot = next(s for s in slots if s.pk == form.cleaned_data["slot"])
        try:
            services.booking_create(actor=request.user, slot=slot, topic=form.cleaned_data["topic"],
                                    name=form.cleaned_data["name"], phone=form.cleaned_data["phone"])
        except ValidationError as exc:
            add_service_errors(form, exc)
            return _render_day(request, schedule, day, status=400, walk_in=form)
        except ReceptionStateError as exc:
            messages.error(request, str(exc))
            return _render_day(request, schedule, day, status=409, walk_in=form)
        messages.success(request, _("The visitor has been registered."))
        return redirect(reverse("receptions:day", args=[schedule.pk]) + f"?date={day.isoformat()}")
    return _render_day(request, schedule, day, status=400, walk_in=form)


@login_required
@require_POST
def booking_mark(request, pk: int):
    booking = get_object_or_404(selectors.bookings_visible_to(request.user), pk=pk)
    if not permissions.can_run_desk(request.user, booking.schedule):
        raise PermissionDenied
    form = MarkForm(request.POST)
    status = None
    if not form.is_valid():
        messages.error(request, _("Mark the visitor as attended or as not come."))
        status = 400
    else:
        try:
            services.booking_mark(actor=request.user, booking=booking, outcome=form.cleaned_data["outcome"])
        except ReceptionStateError as exc:
            messages.error(request, str(exc))
            status = 409
    if status:
        return _render_day(request, booking.schedule, booking.day, status=status)
    messages.success(request, _("Recorded."))
    return redirect(reverse("receptions:day", args=[booking.schedule_id]) + f"?date={booking.day.isoformat()}")
