"""Receptions are read in the admin, never edited there: every change goes through the services (events,
notifications, the seat count)."""

from django.contrib import admin

from .models import Booking, ReceptionSchedule, ReceptionSlot


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReceptionSchedule)
class ReceptionScheduleAdmin(ReadOnlyAdmin):
    list_display = ("official", "organisation", "kind", "weekdays", "on_date", "start_time", "end_time",
                    "capacity", "is_published")
    list_filter = ("kind", "is_published")
    search_fields = ("search_text",)
    list_select_related = ("official__user", "official__organisation", "organisation")


@admin.register(ReceptionSlot)
class ReceptionSlotAdmin(ReadOnlyAdmin):
    list_display = ("schedule", "starts_at", "ends_at", "capacity", "booked")
    list_select_related = ("schedule",)
    date_hierarchy = "date"


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ("slot", "citizen", "name", "topic", "state", "created_at", "reminded_at")
    list_filter = ("state",)
    list_select_related = ("slot", "citizen")
