from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    # The kernel's actions from the case page: one POST address per service.
    path("<int:pk>/transitions/<slug:action>/", views.case_transition, name="transition"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/assignments/<int:assignment_id>/accept/", views.assignment_accept, name="assignment_accept"),
    path("<int:pk>/assignments/<int:assignment_id>/steps/<slug:code>/done/", views.step_complete,
         name="step_complete"),
    path("<int:pk>/assignments/<int:assignment_id>/person/", views.assignment_person, name="assignment_person"),
    path("<int:pk>/assignments/<int:assignment_id>/pass-on/", views.assignment_pass_on, name="assignment_pass_on"),
    path("<int:pk>/assignments/<int:assignment_id>/withdraw/", views.assignment_withdraw,
         name="assignment_withdraw"),
    path("<int:pk>/assignments/<int:assignment_id>/extension/", views.extension_request, name="extension_request"),
    path("<int:pk>/assignments/<int:assignment_id>/result/", views.result_submit, name="result_submit"),
    path("<int:pk>/extensions/<int:request_id>/decide/", views.extension_decide, name="extension_decide"),
    path("<int:pk>/rounds/<int:round_id>/decide/", views.review_decide, name="review_decide"),
]
