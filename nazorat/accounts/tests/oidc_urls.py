"""The project's URLs with the OIDC routes, as nazorat/urls.py builds them when OIDC_ENABLED is set at
start-up (tests switch the flag later, so they use this URLconf)."""

from django.urls import include, path

urlpatterns = [
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("", include("nazorat.urls")),
]
