from django.urls import path

from . import views

app_name = "appeal_reports"
urlpatterns = [
    path("daily/", views.daily, name="daily"),
    path("daily/xlsx/", views.daily_xlsx, name="daily_xlsx"),
    path("daily/pdf/", views.daily_pdf, name="daily_pdf"),
    path("quarterly/", views.quarterly, name="quarterly"),
    path("quarterly/xlsx/", views.quarterly_xlsx, name="quarterly_xlsx"),
    path("incentives/", views.incentives, name="incentives"),
    path("incentives/xlsx/", views.incentives_xlsx, name="incentives_xlsx"),
]
