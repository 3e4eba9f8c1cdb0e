"""Pages of execution control (``/ijro/``)."""

from django.urls import include, path

app_name = "execution"

urlpatterns = [
    path("reports/", include("nazorat.execution.reports.urls")),
    path("public/", include("nazorat.execution.public_urls")),
    path("studies/", include("nazorat.execution.studies_urls")),
    path("", include("nazorat.execution.web_urls")),
]
