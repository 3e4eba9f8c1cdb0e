from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("confirm/", views.confirm_pending, name="confirm_pending"),
    path("confirm/resend/", views.confirm_resend, name="confirm_resend"),
    path("confirm/phone/", views.confirm_phone, name="confirm_phone"),
    path("confirm/email/<str:token>/", views.confirm_email, name="confirm_email"),
    path("profile/", views.profile, name="profile"),
    path("profile/contact/", views.profile_contact, name="profile_contact"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("second-factor/setup/", views.totp_setup, name="totp_setup"),
    path("second-factor/remove/", views.totp_remove, name="totp_remove"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/complete/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
]
