from django.urls import path

from jiebang.demands import desk_views, views

urlpatterns = [
    path("demands/", views.demand_list, name="demand_list"),
    path("demands/new/", views.demand_new, name="demand_new"),
    path("demands/<int:pk>/", views.demand_detail, name="demand_detail"),
    path("demands/<int:pk>/edit/<slug:step>/", views.demand_edit, name="demand_edit"),
    path("demands/<int:pk>/precheck/", views.demand_precheck, name="demand_precheck"),
    path("demands/<int:pk>/attachments/", views.attachment_upload, name="demand_attachment_upload"),
    path(
        "demands/<int:pk>/attachments/<int:link_id>/remove/",
        views.attachment_remove,
        name="demand_attachment_remove",
    ),
    path("demands/<int:pk>/submit/", views.demand_submit, name="demand_submit"),
    path(
        "demands/<int:pk>/notify-candidates/",
        views.notify_candidates,
        name="demand_notify_candidates",
    ),
    path("demands/<int:pk>/withdraw/", views.demand_withdraw, name="demand_withdraw"),
    path("demands/<int:pk>/receipt/", views.demand_receipt, name="demand_receipt"),
    path(
        "demands/<int:pk>/receipt/<int:version_no>/",
        views.demand_receipt,
        name="demand_receipt_version",
    ),
    path(
        "demands/<int:pk>/receipt/<int:version_no>.pdf",
        views.demand_receipt_pdf,
        name="demand_receipt_pdf_version",
    ),
    path(
        "demands/<int:pk>/forms/<slug:form_name>.<str:fmt>",
        views.demand_form_download,
        name="demand_form_download",
    ),
    path("bureau/offline-entries/", views.offline_entries, name="offline_entries"),
    path("demands/<int:pk>/act/<slug:action>/", desk_views.demand_action, name="demand_action"),
    path("desk/batch/", desk_views.batch_action, name="demand_batch_action"),
    path("district/demands/", desk_views.district_desk, name="district_desk"),
    path(
        "district/letter/<int:call_id>.pdf",
        desk_views.recommendation_letter,
        name="recommendation_letter",
    ),
    path("bureau/demands/", desk_views.bureau_desk, name="bureau_desk"),
    path("bureau/publish/", desk_views.publish, name="publish"),
]
