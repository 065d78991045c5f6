from django.urls import path

from jiebang.core import views

urlpatterns = [
    path("guide/", views.guide, name="guide"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_mark_read, name="inbox_mark_read"),
    path("files/<uuid:uuid>/", views.attachment_download, name="attachment_download"),
]
