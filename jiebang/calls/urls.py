from django.urls import path

from jiebang.calls import views

urlpatterns = [
    path("bureau/calls/", views.call_list, name="call_list"),
    path("bureau/calls/new/", views.call_edit, name="call_create"),
    path("bureau/calls/<int:pk>/edit/", views.call_edit, name="call_edit"),
]
