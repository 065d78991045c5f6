from django.urls import path

from jiebang.proposals import views

urlpatterns = [
    path("hall/<int:demand_id>/take/", views.take_demand, name="proposal_take"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/<int:pk>/edit/<slug:step>/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/precheck/", views.proposal_precheck, name="proposal_precheck"),
    path(
        "proposals/<int:pk>/attachments/",
        views.attachment_upload,
        name="proposal_attachment_upload",
    ),
    path(
        "proposals/<int:pk>/attachments/<int:link_id>/remove/",
        views.attachment_remove,
        name="proposal_attachment_remove",
    ),
    path("proposals/<int:pk>/submit/", views.proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path("proposals/<int:pk>/receipt/", views.proposal_receipt, name="proposal_receipt"),
]
