"""Where an administrator keeps the calendar current: decrees published after the pinned ``holidays``
release, six-day-week differences. Every save and delete goes through the services, so it is audited and
the calendar cache is cleared."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin

from . import services
from .models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(TranslationAdmin):
    list_display = ("date", "kind", "work_week", "name", "legal_basis", "created_by")
    list_filter = ("kind", "work_week")
    date_hierarchy = "date"
    ordering = ("date",)
    search_fields = ("name_uz", "name_uz_cyrl", "name_ru", "name_en", "legal_basis")
    fields = ("date", "kind", "work_week", "name", "legal_basis", "created_by", "created_at")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request: HttpRequest, obj: CalendarOverride, form, change: bool) -> None:
        if change:
            changed = {field: form.cleaned_data[field] for field in form.changed_data}
            services.override_update(actor=request.user, override=obj, **changed)
            return
        data = form.cleaned_data
        created = services.override_create(
            actor=request.user, date=data["date"], kind=data["kind"], work_week=data["work_week"],
            name_uz=data["name_uz"], legal_basis=data["legal_basis"],
            **{field: data.get(field) or "" for field in services.TRANSLATED_NAMES},
        )
        # The admin goes on with ``obj`` (change log, redirect): make it the row the service saved.
        obj.pk = created.pk
        obj.refresh_from_db()

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        services.override_delete(actor=request.user, override=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        for override in queryset:
            services.override_delete(actor=request.user, override=override)
