"""Public control (R-A11), mounted at ``/ijro/public/`` in the "execution" namespace: published documents for
everyone, comments for signed-in users, the moderation queue for the controlling bodies' staff."""

from django.urls import path

from . import public_views as views

urlpatterns = [
    path("", views.documents, name="public_documents"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<int:pk>/", views.moderate, name="moderate"),
    path("<int:pk>/", views.document, name="public_document"),
]
