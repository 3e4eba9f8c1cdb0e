"""Web pages of the electronic reception (``/appeals/``)."""

from django.urls import path

from . import views

app_name = "appeals"

urlpatterns = [
    path("", views.register, name="register"),
    path("export.xlsx", views.register_export, name="export"),
    path("new/", views.submit, name="submit"),
    path("paper/", views.register_paper, name="paper"),
    path("track/", views.track, name="track"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/control-sheet.pdf", views.control_sheet, name="control_sheet"),
    path("<str:number>/act/<str:key>/", views.action, name="action"),
]
