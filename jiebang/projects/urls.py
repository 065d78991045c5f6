from django.urls import path

from jiebang.projects import views, views_disbursements

urlpatterns = [
    path("projects/", views.project_list, name="project_list"),
    path(
        "projects/disbursements/",
        views_disbursements.disbursement_list,
        name="disbursement_list",
    ),
    path("projects/initiation/", views.awaiting_initiation, name="project_awaiting"),
    path("projects/initiation/<int:proposal_id>/", views.initiate, name="project_initiate"),
    path(
        "projects/acceptance-round/",
        views.start_acceptance_round,
        name="project_acceptance_round",
    ),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/task-book.<str:fmt>", views.task_book, name="project_task_book"),
    path("projects/<int:pk>/<slug:action>/", views.project_action, name="project_action"),
]
