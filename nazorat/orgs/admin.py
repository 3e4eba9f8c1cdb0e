"""Reference data administration: organisations, units, memberships and roles. Writes go through the
services so that every change is an event with its actor."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from modeltranslation.admin import TranslationAdmin

from nazorat.core import events

from .models import Membership, Organisation, RoleGrant, Unit


@admin.register(Organisation)
class OrganisationAdmin(TranslationAdmin):
    list_display = ("name", "code", "kind", "level", "territory", "parent", "is_active")
    list_filter = ("kind", "level", "sector", "is_active")
    search_fields = ("code", "name_uz", "name_uz_cyrl", "name_ru", "name_en", "search_text")
    autocomplete_fields = ("parent", "territory")
    readonly_fields = ("path", "depth")

    def save_model(self, request, obj, form, change):
        parent_changed = change and "parent" in form.changed_data
        super().save_model(request, obj, form, change)
        if parent_changed:
            from .services import organisation_move

            organisation_move(actor=request.user, organisation=obj, new_parent=obj.parent)
        events.record(action="organisation.changed" if change else "organisation.created", actor=request.user, obj=obj,
                      payload={"fields": list(form.changed_data), "via": "admin"})

    def has_delete_permission(self, request, obj=None):
        return False  # bodies are deactivated, never deleted: cases and events point at them


@admin.register(Unit)
class UnitAdmin(TranslationAdmin):
    list_display = ("name", "organisation", "is_active")
    search_fields = ("name_uz", "name_ru", "organisation__name_uz")
    autocomplete_fields = ("organisation", "parent")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        events.record(action="unit.changed" if change else "unit.created", actor=request.user, obj=obj,
                      payload={"fields": list(form.changed_data), "via": "admin"})

    def has_delete_permission(self, request, obj=None):
        return False


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 1


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "position", "title", "roles_display", "is_active")
    list_filter = ("position", "is_active", "roles__role")
    search_fields = ("user__username", "user__last_name", "organisation__name_uz", "title")
    autocomplete_fields = ("user", "organisation", "unit")
    inlines = [RoleGrantInline]

    @admin.display(description="roles")
    def roles_display(self, obj):
        return ", ".join(sorted(obj.role_codes))

    def save_related(self, request, form, formsets, change):
        before = sorted(form.instance.role_codes) if change else []
        super().save_related(request, form, formsets, change)
        obj = form.instance
        events.record(action="membership.changed" if change else "membership.created", actor=request.user, obj=obj,
                      organisation=obj.organisation,
                      payload={"roles_before": before, "roles_after": sorted(obj.role_codes), "via": "admin"})

    def has_delete_permission(self, request, obj=None):
        return False  # end a membership (is_active) instead: events refer to it
