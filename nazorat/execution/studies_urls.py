"""Work plans and targeted studies (R-A13), mounted at ``/ijro/studies/`` in the "execution" namespace."""

from django.urls import path

from . import studies_views as views

urlpatterns = [
    path("", views.study_list, name="studies"),
    path("new/", views.study_create, name="study_create"),
    path("plans/", views.plans, name="workplans"),
    path("plans/<int:pk>/", views.plan_detail, name="workplan"),
    path("plans/<int:pk>/act/<slug:key>/", views.plan_action, name="workplan_action"),
    path("<int:pk>/", views.study_detail, name="study"),
    path("<int:pk>/act/<slug:key>/", views.study_action, name="study_action"),
]
