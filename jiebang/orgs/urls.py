from django.contrib.auth import views as auth_views
from django.urls import path

from jiebang.orgs import views

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
]
