from django.urls import path

from jiebang.core import export_views, import_views, views

urlpatterns = [
    path("guide/", views.guide, name="guide"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_mark_read, name="inbox_mark_read"),
    path("files/<uuid:uuid>/", views.attachment_download, name="attachment_download"),
    path("exports/<slug:name>.xlsx", export_views.export_list, name="export_list"),
    path("exports/jobs/<int:pk>/", export_views.export_job, name="export_job"),
    path(
        "exports/jobs/<int:pk>/progress/",
        export_views.export_job_progress,
        name="export_job_progress",
    ),
    path(
        "exports/jobs/<int:pk>/download/",
        export_views.export_job_download,
        name="export_job_download",
    ),
    path("imports/<slug:name>/", import_views.import_start, name="import_start"),
    path("imports/jobs/<int:pk>/", import_views.import_job, name="import_job"),
    path(
        "imports/jobs/<int:pk>/progress/",
        import_views.import_job_progress,
        name="import_job_progress",
    ),
]
