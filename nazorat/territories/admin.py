"""Territories in the Django admin: reference data an administrator occasionally corrects (a renamed
district, a new mahalla). The SOATO code is the primary key that organisations, cases and imports
refer to, so it is fixed once a row exists."""

from __future__ import annotations

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Territory


@admin.register(Territory)
class TerritoryAdmin(TranslationAdmin):
    list_display = ("code", "name", "level", "kind", "parent", "is_active")
    list_filter = ("level", "kind", "is_active")
    search_fields = ("code", "name_uz", "name_uz_cyrl", "name_ru", "name_en", "search_text")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("code",)
    list_per_page = 100
    fields = ("code", "level", "kind", "parent", "name", "is_active")

    def get_search_results(self, request, queryset, search_term):
        """Also match the folded search text, so "Қўқон", "Qo'qon" and "qoqon" find the same row."""
        from nazorat.core.text import fold

        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        folded = fold(search_term.strip())
        if folded:
            results = results | queryset.filter(search_text__contains=folded)
        return results, may_have_duplicates

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("code")
        return readonly
