from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Booking, BookingState, ReceptionSchedule, ReceptionSlot


class ReceptionSlotSerializer(serializers.ModelSerializer):
    free = serializers.SerializerMethodField(help_text="Seats still free.")

    class Meta:
        model = ReceptionSlot
        fields = ["id", "schedule", "date", "starts_at", "ends_at", "capacity", "booked", "free"]

    def get_free(self, obj) -> int:
        return obj.seats_left


class OfficialSerializer(serializers.Serializer):
    name = serializers.CharField()
    position = serializers.CharField()
    organisation = serializers.IntegerField()
    organisation_name = serializers.CharField()


class ReceptionScheduleSerializer(serializers.ModelSerializer):
    official = serializers.SerializerMethodField()
    kind_display = serializers.CharField(source="get_kind_display")
    territory_name = serializers.SerializerMethodField()
    place = serializers.CharField(help_text="In the request's language where given, else in Uzbek.")
    weekdays = serializers.SerializerMethodField(help_text="ISO weekdays, 1 = Monday; empty for a one-off date.")
    next_slots = serializers.SerializerMethodField(help_text="The next times with a free seat.")

    class Meta:
        model = ReceptionSchedule
        fields = ["id", "kind", "kind_display", "official", "organisation", "territory", "territory_name", "place",
                  "weekdays", "on_date", "start_time", "end_time", "slot_minutes", "capacity", "valid_from",
                  "valid_until", "notes", "is_published", "next_slots"]

    @extend_schema_field(OfficialSerializer)
    def get_official(self, obj):
        return {"name": obj.official_name, "position": obj.official.title_display,
                "organisation": obj.organisation_id, "organisation_name": obj.organisation.name}

    def get_territory_name(self, obj) -> str:
        return obj.territory.name if obj.territory_id else ""

    def get_weekdays(self, obj) -> list[int]:
        return obj.weekday_numbers

    @extend_schema_field(ReceptionSlotSerializer(many=True))
    def get_next_slots(self, obj):
        slots = self.context.get("next_slots", {}).get(obj.pk, [])
        return ReceptionSlotSerializer(slots, many=True).data


class BookingSerializer(serializers.ModelSerializer):
    slot = ReceptionSlotSerializer()
    state_display = serializers.CharField(source="get_state_display")
    official = serializers.SerializerMethodField()
    place = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = ["id", "slot", "schedule", "official", "place", "topic", "state", "state_display", "created_at",
                  "cancelled_at", "cancel_reason", "marked_at"]

    @extend_schema_field(OfficialSerializer)
    def get_official(self, obj):
        s = obj.schedule
        return {"name": s.official_name, "position": s.official.title_display, "organisation": s.organisation_id,
                "organisation_name": s.organisation.name}

    def get_place(self, obj) -> str:
        return obj.schedule.place


class BookRequestSerializer(serializers.Serializer):
    topic = serializers.CharField(max_length=300, help_text="What the citizen wants to discuss (a short line).")


class CancelRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="",
                                   help_text="Required when staff cancel; the citizen is told it.")


class MarkRequestSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[BookingState.ATTENDED.value, BookingState.NO_SHOW.value])
