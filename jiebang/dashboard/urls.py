from django.urls import path

from jiebang.dashboard import views

urlpatterns = [path("work/", views.dashboard, name="dashboard")]
