from django.urls import path

from jiebang.portal import views

urlpatterns = [
    path("", views.hall, name="home"),
    path("hall/<int:pk>/", views.hall_detail, name="hall_detail"),
    path("policies/", views.policies, name="policies"),
    path("feeds/demands.json", views.feed_json, name="feed_json"),
    path("feeds/demands.atom", views.feed_atom, name="feed_atom"),
]
