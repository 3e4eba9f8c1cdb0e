"""/api/v1/control-documents/, tasks/, execution-reports/, control-plans/, public/control-documents/,
public-comments/ — included in nazorat/urls.py after the shared API (extension decisions are the kernel's
/api/v1/extension-requests/<id>/decide/)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("control-documents", views.ControlDocumentViewSet, basename="api-control-document")
router.register("tasks", views.TaskViewSet, basename="api-task")
router.register("execution-reports", views.ExecutionReportViewSet, basename="api-execution-report")
router.register("control-plans", views.ControlPlanViewSet, basename="api-control-plan")
router.register("public/control-documents", views.PublicControlDocumentViewSet,
                basename="api-public-control-document")
router.register("public-comments", views.PublicCommentViewSet, basename="api-public-comment")

urlpatterns = [path("", include(router.urls))]
