from django.contrib import admin

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The audit log: searchable, never editable."""

    list_display = ("occurred_at", "action", "actor_name", "actor_position", "actor_organisation", "object_type",
                    "object_id", "ip_address")
    list_filter = ("action", "is_public")
    search_fields = ("action", "actor_name", "object_id")
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
