from django.urls import path

from jiebang.notices import views

urlpatterns = [
    path("notices/", views.announcement_list, name="announcement_list"),
    path("notices/<int:pk>/", views.announcement_detail, name="announcement_detail"),
    path("bureau/notices/new/", views.announcement_new, name="announcement_new"),
]
