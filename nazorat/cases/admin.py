"""Cases are read in the admin, never edited there: every change goes through the services."""

from django.contrib import admin

from .models import Assignment, Attachment, Case, ExtensionRequest, ReviewRound, WorkItem


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "status", "title", "owner", "opened_at", "due_at", "closed_at")
    list_filter = ("kind", "status")
    search_fields = ("number", "title", "search_text")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("case", "organisation", "role", "state", "due_at")
    list_filter = ("state", "role")


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ("case", "old_due_at", "requested_due_at", "state", "decided_at")


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdmin):
    list_display = ("case", "number", "step", "reviewer_org", "verdict", "decided_at")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "content_type", "size", "sha256", "uploaded_at")


@admin.register(WorkItem)
class WorkItemAdmin(ReadOnlyAdmin):
    list_display = ("case", "action", "person", "organisation", "role", "due_at", "closed_at")
    list_filter = ("action",)
