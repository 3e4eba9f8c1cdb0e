"""Personal, mobile (sayyor) and mass receptions of officials (R-B12; law on appeals Arts 8, 9).

A ``ReceptionSchedule`` says when and where an official receives people: a weekly rule (ISO weekdays, hours,
slot length) or one date, valid for a period, published or not. ``ReceptionSlot`` rows are materialised from
it for the coming weeks (``services.slots_generate``, idempotent: unique per schedule and start). A
``Booking`` holds one seat in a slot, for a signed-in citizen or for a walk-in registered by staff.

Invariants kept by the database: a slot never holds more seats than its capacity (``booked`` is the number
of bookings that are not cancelled, changed only under the slot's row lock); one person has at most one
booking in a slot and at most one per schedule and day; the booking state is a protected FSM field.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

ISO_WEEKDAYS = [
    (1, _("Monday")), (2, _("Tuesday")), (3, _("Wednesday")), (4, _("Thursday")), (5, _("Friday")),
    (6, _("Saturday")), (7, _("Sunday")),
]


class ReceptionKind(models.TextChoices):
    PERSONAL = "personal", _("Personal reception")
    MOBILE = "mobile", _("Mobile (sayyor) reception")
    MASS = "mass", _("Mass reception")


class ReceptionScheduleQuerySet(models.QuerySet):
    def published(self):
        """Published schedules of officials still in office, not yet expired."""
        today = timezone.localdate()
        return self.filter(
            is_published=True, official__is_active=True, organisation__is_active=True,
        ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))


class ReceptionSchedule(models.Model):
    official = models.ForeignKey("orgs.Membership", verbose_name=_("official"), on_delete=models.PROTECT,
                                 related_name="reception_schedules",
                                 help_text=_("The person who receives, in the position they hold."))
    # The official's organisation, kept on the row for filters and the permission checks.
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="reception_schedules", editable=False)
    kind = models.CharField(_("kind of reception"), max_length=16, choices=ReceptionKind.choices,
                            default=ReceptionKind.PERSONAL, db_index=True)
    territory = models.ForeignKey("territories.Territory", verbose_name=_("territory"), on_delete=models.PROTECT,
                                  related_name="reception_schedules", null=True, blank=True,
                                  help_text=_("Where the reception is held; for a mobile reception, the mahalla "
                                              "or district visited."))
    place = models.CharField(_("place"), max_length=300, help_text=_("The address and room."))
    weekdays = models.CharField(_("weekdays"), max_length=13, blank=True,
                                help_text=_("ISO weekday numbers separated by commas (1 = Monday)."))
    on_date = models.DateField(_("date"), null=True, blank=True,
                               help_text=_("For a one-off reception instead of a weekly rule."))
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per slot"), default=30)
    capacity = models.PositiveSmallIntegerField(_("people per slot"), default=1)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    search_text = models.TextField(blank=True, editable=False)

    objects = ReceptionScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("reception schedule")
        verbose_name_plural = _("reception schedules")
        ordering = ["organisation_id", "official_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="reception_schedule_hours"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5) & Q(slot_minutes__lte=480),
                                   name="reception_schedule_slot_minutes"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="reception_schedule_capacity"),
            models.CheckConstraint(condition=Q(on_date__isnull=False) | ~Q(weekdays=""),
                                   name="reception_schedule_has_days"),
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                                   name="reception_schedule_period"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.official_name}, {self.place}"

    @property
    def official_name(self) -> str:
        user = self.official.user
        return user.get_full_name() or user.get_username()

    @property
    def weekday_numbers(self) -> list[int]:
        return sorted({int(d) for d in self.weekdays.split(",") if d.strip().isdigit()})

    @property
    def weekday_labels(self) -> list[str]:
        names = dict(ISO_WEEKDAYS)
        return [str(names[d]) for d in self.weekday_numbers if d in names]

    @property
    def is_one_off(self) -> bool:
        return self.on_date is not None

    @property
    def needs_identity_document(self) -> bool:
        """Art 9: an oral appellant shows an identity document, except at a mass reception."""
        return self.kind != ReceptionKind.MASS

    def build_search_text(self) -> str:
        from nazorat.core.search import build_search_text

        langs = ("uz", "uz_cyrl", "ru", "en")
        user = self.official.user
        org = self.organisation
        values = [user.get_full_name(), user.get_username(), self.official.title]
        values += [getattr(org, f"{f}_{lang}", "") for f in ("name", "short_name") for lang in langs]
        if self.territory_id:
            territory = self.territory
            values += [getattr(territory, f"name_{lang}", "") for lang in langs]
            if territory.parent_id:
                values += [getattr(territory.parent, f"name_{lang}", "") for lang in langs]
        values += [getattr(self, f"place_{lang}", "") for lang in langs]
        return build_search_text(*values)


class ReceptionSlot(models.Model):
    schedule = models.ForeignKey(ReceptionSchedule, verbose_name=_("schedule"), on_delete=models.PROTECT,
                                 related_name="slots")
    date = models.DateField(_("date"), db_index=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("seats"))
    booked = models.PositiveSmallIntegerField(_("seats taken"), default=0)

    class Meta:
        verbose_name = _("reception slot")
        verbose_name_plural = _("reception slots")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "starts_at"], name="reception_slot_unique_start"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="reception_slot_times"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="reception_slot_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.schedule_id} @ {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.booked)

    def has_started(self, now=None) -> bool:
        return self.starts_at <= (now or timezone.now())

    def has_ended(self, now=None) -> bool:
        return self.ends_at <= (now or timezone.now())


class BookingState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")


NOT_CANCELLED = ~Q(state=BookingState.CANCELLED)


class Booking(FSMModelMixin, models.Model):
    slot = models.ForeignKey(ReceptionSlot, verbose_name=_("time"), on_delete=models.PROTECT,
                             related_name="bookings")
    # Kept from the slot for the "one booking per person, schedule and day" constraint.
    schedule = models.ForeignKey(ReceptionSchedule, verbose_name=_("schedule"), on_delete=models.PROTECT,
                                 related_name="bookings", editable=False)
    day = models.DateField(_("date"), editable=False)
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("citizen"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="reception_bookings")
    name = models.CharField(_("full name"), max_length=200, blank=True,
                            help_text=_("For a visitor registered by staff."))
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    topic = models.CharField(_("topic"), max_length=300)
    language = models.CharField(max_length=8, default="uz")
    state = FSMField(_("state"), max_length=16, choices=BookingState.choices, default=BookingState.BOOKED,
                     protected=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("booked"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cancelled by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    cancel_reason = models.TextField(_("reason"), blank=True)
    marked_at = models.DateTimeField(_("marked"), null=True, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("marked by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["slot__starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(citizen__isnull=False) | ~Q(name=""), name="booking_has_person"),
            models.CheckConstraint(condition=~Q(state=BookingState.CANCELLED) | Q(cancelled_at__isnull=False),
                                   name="booking_cancelled_has_time"),
            models.UniqueConstraint(fields=["slot", "citizen"], condition=NOT_CANCELLED & Q(citizen__isnull=False),
                                    name="booking_one_per_slot"),
            models.UniqueConstraint(fields=["schedule", "day", "citizen"],
                                    condition=NOT_CANCELLED & Q(citizen__isnull=False),
                                    name="booking_one_per_day"),
            models.UniqueConstraint(fields=["schedule", "day", "phone"], condition=NOT_CANCELLED & ~Q(phone=""),
                                    name="booking_one_per_day_phone"),
        ]
        indexes = [models.Index(fields=["state", "reminded_at"], name="booking_reminder_idx")]

    def __str__(self) -> str:
        return f"{self.person_name} — {self.slot}"

    @property
    def person_name(self) -> str:
        if self.citizen_id:
            return self.citizen.get_full_name() or self.citizen.get_username()
        return self.name

    @property
    def is_walk_in(self) -> bool:
        return self.citizen_id is None

    # Transition table (side effects live in services).
    @transition(field=state, source=BookingState.BOOKED, target=BookingState.CANCELLED)
    def cancel(self):
        pass

    @transition(field=state, source=BookingState.BOOKED, target=BookingState.ATTENDED)
    def attend(self):
        pass

    @transition(field=state, source=BookingState.BOOKED, target=BookingState.NO_SHOW)
    def miss(self):
        pass
