"""/api/v1/receptions/, /api/v1/reception-slots/, /api/v1/bookings/ — included in nazorat/urls.py before the
shared API."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import BookingViewSet, ReceptionSlotViewSet, ReceptionViewSet

router = SimpleRouter()
router.register("receptions", ReceptionViewSet, basename="api-reception")
router.register("reception-slots", ReceptionSlotViewSet, basename="api-reception-slot")
router.register("bookings", BookingViewSet, basename="api-booking")

urlpatterns = [path("", include(router.urls))]
