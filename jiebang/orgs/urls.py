from django.contrib.auth import views as auth_views
from django.urls import path

from jiebang.orgs import views
from jiebang.orgs.security import views as security_views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("register/", views.register_unit, name="register_unit"),
    path("register/applicant/", views.register_applicant, name="register_applicant"),
    path("org/", views.my_org, name="my_org"),
    path("org/edit/", views.my_org_edit, name="my_org_edit"),
    path("org/members/", views.members, name="members"),
    path("org/members/<int:pk>/<str:action>/", views.member_action, name="member_action"),
    path("org/relations/new/", views.relation_create, name="relation_create"),
    path("bureau/units/", views.verification_queue, name="verification_queue"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/<str:action>/", views.unit_verify, name="unit_verify"),
    path("district/units/", views.district_units, name="district_units"),
    # Account security (jiebang/orgs/security)
    path("account/2fa/setup/", security_views.totp_setup, name="totp_setup"),
    path("account/2fa/verify/", security_views.totp_verify, name="totp_verify"),
    path("reauth/", security_views.reauth, name="reauth"),
    path("account/logins/", security_views.my_login_history, name="login_history"),
    path("bureau/accounts/", security_views.account_list, name="account_list"),
    path("bureau/accounts/<int:pk>/", security_views.account_detail, name="account_detail"),
    path("bureau/accounts/<int:pk>/unlock/", security_views.account_unlock, name="account_unlock"),
    path(
        "bureau/accounts/<int:pk>/reset-totp/",
        security_views.account_reset_totp,
        name="account_reset_totp",
    ),
]
