from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("nazorat.appeals.api.urls")),
    path("receptions/", include("nazorat.receptions.urls")),
    path("api/v1/", include("nazorat.receptions.api.urls")),
    path("api/v1/", include("nazorat.api.urls")),
    path("accounts/", include("nazorat.accounts.urls")),
    path("cases/", include("nazorat.cases.urls")),
    path("appeals/reports/", include("nazorat.appeals.reports.urls")),
    path("appeals/", include("nazorat.appeals.urls")),
    path("ijro/", include("nazorat.execution.urls")),
    path("api/v1/", include("nazorat.execution.api.urls")),
    path("", include("nazorat.web.urls")),
]

if settings.OIDC_ENABLED:
    urlpatterns.insert(0, path("oidc/", include("mozilla_django_oidc.urls")))

handler404 = "nazorat.api.errors.json_or_html_404"
handler500 = "nazorat.api.errors.json_or_html_500"
