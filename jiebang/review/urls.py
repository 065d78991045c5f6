from django.urls import path

from jiebang.review import expert_views, views

urlpatterns = [
    path("review/rounds/", views.rounds, name="review_rounds"),
    path("review/rounds/new/", views.round_new, name="review_round_new"),
    path("review/rounds/<int:pk>/", views.round_detail, name="review_round"),
    path(
        "review/rounds/<int:pk>/do/<slug:action>/", views.round_action, name="review_round_action"
    ),
    path("review/rounds/<int:pk>/ranking.xlsx", views.round_export, name="review_round_export"),
    path("review/rounds/<int:pk>/report.pdf", views.round_report, name="review_round_report"),
    path("review/experts/", views.experts, name="review_experts"),
    path("review/my/", expert_views.my_assignments, name="review_my"),
    path("review/my/<int:pk>/", expert_views.assignment_detail, name="review_assignment"),
    path(
        "review/my/<int:pk>/declare/",
        expert_views.assignment_declare,
        name="review_assignment_declare",
    ),
]
