"""Execution reports, included at ``/ijro/reports/`` in the "execution" namespace."""

from django.urls import path, re_path

from . import views

KIND = r"(?P<kind>friday|monday|monthly)"

urlpatterns = [
    path("", views.index, name="reports"),
    re_path(rf"^agenda/{KIND}/$", views.agenda, name="agenda"),
    re_path(rf"^agenda/{KIND}\.pdf$", views.agenda_pdf, name="agenda_pdf"),
    path("discipline/", views.discipline, name="discipline"),
    path("discipline.xlsx", views.discipline_xlsx, name="discipline_xlsx"),
    path("discipline/measure/", views.measure_add, name="measure_add"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring.xlsx", views.monitoring_xlsx, name="monitoring_xlsx"),
    path("monitoring/body/<int:pk>/", views.monitoring_body, name="monitoring_body"),
]
