"""The receptions API (R-B12): published schedules and their times for anyone, booking and cancelling for
signed-in citizens, attendance for reception staff. Reads go through ``receptions.selectors``, writes through
``receptions.services``; errors follow nazorat/api (400 per field, 401, 403, 404, 409 with the reason)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from nazorat.api.views import ERRORS, IdFilter

from .. import selectors, services
from ..models import Booking, ReceptionKind, ReceptionSchedule, ReceptionSlot
from . import serializers as s

ID = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
# An empty filter value means "any" (as from an HTML form): say so in the contract.
DATE_OR_EMPTY = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}]}


class ReceptionFilter(filters.FilterSet):
    territory = filters.CharFilter(method="filter_territory",
                                   help_text="SOATO code; includes the territories under it")
    organisation = IdFilter(field_name="organisation_id", min_value=1, max_value=2**63 - 1,
                            help_text="Id of the official's organisation")
    official = IdFilter(field_name="official_id", min_value=1, max_value=2**63 - 1,
                        help_text="Id of the official's membership")
    kind = filters.ChoiceFilter(choices=ReceptionKind.choices)
    q = filters.CharFilter(method="filter_q", help_text="Search by official, body, territory or place; Latin or "
                                                        "Cyrillic")

    class Meta:
        model = ReceptionSchedule
        fields = ["territory", "organisation", "official", "kind", "q"]

    def filter_territory(self, queryset, name, value):
        return selectors.filter_schedules(queryset, territory=value)

    def filter_q(self, queryset, name, value):
        return selectors.filter_schedules(queryset, q=value)


@extend_schema_view(
    list=extend_schema(summary="Published reception schedules with their next free times", auth=[],
                       parameters=[OpenApiParameter("organisation", ID, description="Id of the official's "
                                                    "organisation"),
                                   OpenApiParameter("official", ID, description="Id of the official's membership")]),
    retrieve=extend_schema(summary="One reception schedule", auth=[],
                           responses={200: s.ReceptionScheduleSerializer, 404: ERRORS[404]}),
)
class ReceptionViewSet(viewsets.ReadOnlyModelViewSet):
    """Reception schedules of officials (law on appeals Art 9: published on the website). Anyone may read the
    published ones; the staff who keep a schedule also see it before publication."""

    serializer_class = s.ReceptionScheduleSerializer
    permission_classes = [AllowAny]
    filterset_class = ReceptionFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.schedules_visible_to(self.request.user).order_by("organisation__path", "pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context.setdefault("next_slots", {})
        return context

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        context = {**self.get_serializer_context(), "next_slots": selectors.next_free_slots(rows)}
        data = s.ReceptionScheduleSerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        schedule = self.get_object()
        context = {**self.get_serializer_context(), "next_slots": selectors.next_free_slots([schedule], per_schedule=5)}
        return Response(s.ReceptionScheduleSerializer(schedule, context=context).data)


class _SlotFilterBase(filters.FilterSet):
    schedule = IdFilter(field_name="schedule_id", min_value=1, max_value=2**63 - 1, help_text="Id of the schedule")
    until = filters.DateFilter(field_name="date", lookup_expr="lte", help_text="Last date (inclusive)")

    class Meta:
        model = ReceptionSlot
        fields = ["schedule", "until"]


# "from" is a Python keyword, so the filter set is built with it as a plain attribute name.
SlotFilter = type("SlotFilter", (_SlotFilterBase,), {
    "from": filters.DateFilter(field_name="date", lookup_expr="gte", help_text="First date (inclusive); today "
                                                                              "by default"),
    "Meta": type("Meta", (), {"model": ReceptionSlot, "fields": ["schedule", "from", "until"]}),
})


@extend_schema_view(list=extend_schema(
    summary="Times of reception schedules that have not begun", auth=[],
    parameters=[OpenApiParameter("schedule", ID, description="Id of the schedule"),
                OpenApiParameter("from", DATE_OR_EMPTY, description="First date (inclusive); today by default"),
                OpenApiParameter("until", DATE_OR_EMPTY, description="Last date (inclusive)")]))
class ReceptionSlotViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Times of the schedules the user may see, from today on (times already begun are not listed)."""

    serializer_class = s.ReceptionSlotSerializer
    permission_classes = [AllowAny]
    filterset_class = SlotFilter
    lookup_value_regex = r"\d+"

    def get_permissions(self):
        if self.action == "book":
            return [IsAuthenticated()]
        return super().get_permissions()

    def get_queryset(self):
        visible = selectors.schedules_visible_to(self.request.user).values("pk")
        return (ReceptionSlot.objects.filter(schedule__in=visible, starts_at__gt=timezone.now())
                .order_by("starts_at", "pk"))

    @extend_schema(request=s.BookRequestSerializer, responses={201: s.BookingSerializer, **ERRORS},
                   summary="Book a seat in this time", filters=False)
    @action(detail=True, methods=["post"])
    def book(self, request, pk=None):
        slot = selectors.slot_for(request.user, pk)
        if slot is None:
            raise Http404
        data = s.BookRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.booking_create(actor=request.user, slot=slot, topic=data.validated_data["topic"])
        return Response(s.BookingSerializer(_booking(request.user, booking.pk)).data, status=status.HTTP_201_CREATED)


def _booking(user, pk) -> Booking:
    return get_object_or_404(selectors.bookings_visible_to(user), pk=pk)


@extend_schema_view(list=extend_schema(summary="My reception bookings, the latest reception first"))
class BookingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in citizen's bookings; cancelling (the citizen before the start, staff with a reason) and
    recording attendance (staff)."""

    serializer_class = s.BookingSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.bookings_of(self.request.user)

    @extend_schema(request=s.CancelRequestSerializer, responses={200: s.BookingSerializer, **ERRORS},
                   summary="Cancel a booking (the seat becomes free)")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        booking = _booking(request.user, pk)
        data = s.CancelRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.booking_cancel(actor=request.user, booking=booking, reason=data.validated_data["reason"])
        return Response(s.BookingSerializer(_booking(request.user, pk)).data)

    @extend_schema(request=s.MarkRequestSerializer, responses={200: s.BookingSerializer, **ERRORS},
                   summary="Record that the visitor came or did not (reception staff)")
    @action(detail=True, methods=["post"])
    def mark(self, request, pk=None):
        booking = _booking(request.user, pk)
        data = s.MarkRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.booking_mark(actor=request.user, booking=booking, outcome=data.validated_data["outcome"])
        return Response(s.BookingSerializer(_booking(request.user, pk)).data)
