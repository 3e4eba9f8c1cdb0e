from django.urls import path

from . import views

app_name = "receptions"
urlpatterns = [
    # Public: published schedules (Art 9), their times, booking.
    path("", views.schedule_list, name="list"),
    path("<int:pk>/", views.schedule_detail, name="schedule"),
    path("slots/<int:pk>/", views.slot_detail, name="slot"),
    path("slots/<int:pk>/book/", views.book, name="book"),
    # The citizen.
    path("mine/", views.my_bookings, name="mine"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="cancel"),
    # Staff.
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.schedule_create, name="create"),
    path("<int:pk>/edit/", views.schedule_edit, name="edit"),
    path("<int:pk>/publish/", views.schedule_publish, name="publish"),
    path("<int:pk>/day/", views.day, name="day"),
    path("<int:pk>/walk-in/", views.walk_in, name="walk_in"),
    path("bookings/<int:pk>/mark/", views.booking_mark, name="mark"),
]
