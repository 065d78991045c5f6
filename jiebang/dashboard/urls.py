from django.urls import path

from jiebang.dashboard import views

urlpatterns = [
    path("work/", views.dashboard, name="dashboard"),
    path("dashboard/", views.statistics, name="stats_dashboard"),
]
