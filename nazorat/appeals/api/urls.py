"""/api/v1/appeals/… — included in nazorat/urls.py before the shared API."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import AppealViewSet

router = SimpleRouter()
router.register("appeals", AppealViewSet, basename="api-appeal")

urlpatterns = [path("", include(router.urls))]
