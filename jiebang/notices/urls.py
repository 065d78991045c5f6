from django.urls import path

from jiebang.notices import views

urlpatterns = [
    path("notices/", views.announcement_list, name="announcement_list"),
    path("notices/<int:pk>/", views.announcement_detail, name="announcement_detail"),
    path("bureau/notices/new/", views.announcement_new, name="announcement_new"),
    path("publicity/", views.publicity_list, name="publicity_list"),
    path("publicity/<int:pk>/", views.publicity_detail, name="publicity_detail"),
    path("bureau/publicity/new/", views.publicity_new, name="publicity_new"),
    path(
        "bureau/publicity/<int:pk>/objections/",
        views.publicity_objections,
        name="publicity_objections",
    ),
    path(
        "bureau/publicity/<int:pk>/objections/<int:objection_pk>/<str:action>/",
        views.objection_action,
        name="objection_action",
    ),
    path("bureau/publicity/<int:pk>/close/", views.publicity_close, name="publicity_close"),
]
