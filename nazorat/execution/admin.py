"""Execution control in the administration. Records (documents, tasks, plans, reports, measures, comments,
studies) are read-only here: they change only through the services and their events. The chain of reviewers
is configuration: administrators edit it per controlling body, and each change is an event."""

from django.contrib import admin

from nazorat.cases.admin import ReadOnlyAdmin
from nazorat.core import events

from .models import (
    ControlDocument,
    ControlPlan,
    DisciplinaryMeasure,
    ExecutionReport,
    ProgressReport,
    PublicComment,
    ReviewChainStep,
    Study,
    Task,
    WorkPlan,
)


@admin.register(ControlDocument)
class ControlDocumentAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "date", "issuer", "controller", "is_public"]
    list_filter = ["kind", "is_public"]
    search_fields = ["number", "title"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["case", "document", "item", "deadline_kind", "period", "needs_progress_reports"]
    list_filter = ["deadline_kind", "needs_progress_reports"]
    search_fields = ["case__number", "document__number"]


for model, fields in [
    (ControlPlan, ["document", "organisation", "state", "approved_at"]),
    (ExecutionReport, ["task", "assignment", "state", "written_at", "confirmed_at"]),
    (ProgressReport, ["task", "organisation", "sequence", "due_at", "submitted_at"]),
    (DisciplinaryMeasure, ["person", "organisation", "week", "kind"]),
    (PublicComment, ["document", "opinion", "state", "created_at"]),
    (WorkPlan, ["title", "organisation", "kind", "period_start", "period_end"]),
    (Study, ["subject", "organisation", "state", "planned_on"]),
]:
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": fields}))


@admin.register(ReviewChainStep)
class ReviewChainStepAdmin(admin.ModelAdmin):
    list_display = ["controller", "order", "code", "label", "organisation", "role", "position"]
    list_filter = ["controller"]
    autocomplete_fields = ["controller", "organisation"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        events.record(action="config.review_chain_changed", actor=request.user, obj=obj, organisation=obj.controller,
                      payload={"order": obj.order, "code": obj.code, "organisation": obj.organisation_id,
                               "role": obj.role, "position": obj.position})

    def delete_model(self, request, obj):
        events.record(action="config.review_chain_changed", actor=request.user, obj=obj, organisation=obj.controller,
                      payload={"deleted": True, "order": obj.order, "code": obj.code})
        super().delete_model(request, obj)
