"""Staff pages of execution control, at the root of ``/ijro/`` (namespace ``execution``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("documents/", views.documents, name="documents"),
    path("documents/new/", views.document_new, name="document_new"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("documents/<int:pk>/file/", views.document_file, name="document_file"),
    path("documents/<int:pk>/act/<slug:key>/", views.document_action, name="document_action"),
    path("documents/<int:pk>/plan/<int:org_pk>/", views.plan, name="plan"),
    path("documents/<int:pk>/plan/<int:org_pk>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("documents/<int:pk>/plan/<int:org_pk>/plan.xlsx", views.plan_xlsx, name="plan_xlsx"),
    path("tasks/<str:number>/", views.task, name="task"),
    path("tasks/<str:number>/act/<slug:key>/", views.task_action, name="task_action"),
]
