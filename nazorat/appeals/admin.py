from django.contrib import admin

from .models import Appeal, Applicant, Signatory


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0
    can_delete = False


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    """Read-only: appeals change only through the services (and their events)."""

    list_display = ["case", "kind", "form", "addressee", "registered_on", "applicant_kind", "do_not_disclose"]
    list_filter = ["kind", "form", "applicant_kind", "do_not_disclose"]
    search_fields = ["case__number"]
    inlines = [SignatoryInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Applicant)
class ApplicantAdmin(admin.ModelAdmin):
    list_display = ["pk", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
