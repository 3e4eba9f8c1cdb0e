from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.dashboard, name="dashboard"),
    path("organisations/", views.directory, name="directory"),
    path("healthz", views.healthz, name="healthz"),
]
