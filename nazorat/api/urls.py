from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views


class Router(DefaultRouter):
    include_root_view = False


router = Router()
router.register("territories", views.TerritoryViewSet, basename="api-territory")
router.register("organisations", views.OrganisationViewSet, basename="api-organisation")
router.register("cases", views.CaseViewSet, basename="api-case")
router.register("assignments", views.AssignmentViewSet, basename="api-assignment")
router.register("extension-requests", views.ExtensionRequestViewSet, basename="api-extension-request")
router.register("review-rounds", views.ReviewRoundViewSet, basename="api-review-round")

urlpatterns = [
    path("", views.root, name="api-root"),
    path("auth/token/", views.obtain_token, name="api-token"),
    path("me/", views.me, name="api-me"),
    path("inbox/", views.InboxView.as_view(), name="api-inbox"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
