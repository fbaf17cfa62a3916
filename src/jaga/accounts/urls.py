from django.urls import path

from jaga.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.login_verify_view, name="login_verify"),
    path("logout/", views.logout_view, name="logout"),
    path("reauth/", views.reauth_view, name="reauth"),
    path("me/", views.profile_view, name="profile"),
    path("mfa/setup/", views.mfa_setup_view, name="mfa_setup"),
    path("mfa/recovery-codes/", views.recovery_codes_view, name="recovery_codes"),
    path("invitation/<str:token>/", views.invitation_view, name="invitation"),
    path("users/", views.user_list_view, name="user_list"),
    path("users/invite/", views.user_invite_view, name="user_invite"),
    path("users/<uuid:user_id>/", views.user_detail_view, name="user_detail"),
    path("organisations/", views.organisation_list_view, name="organisation_list"),
    path("organisations/new/", views.organisation_form_view, name="organisation_create"),
    path("organisations/<uuid:organisation_id>/", views.organisation_form_view, name="organisation_edit"),
]
