from django.urls import path

from jiebang.proposals import desk_views

urlpatterns = [
    path("proposals/received/", desk_views.received, name="proposal_received"),
    path("desk/proposals/<int:pk>/", desk_views.desk_detail, name="proposal_desk_detail"),
    path(
        "desk/proposals/<int:pk>/issuer/<slug:action>/",
        desk_views.issuer_action,
        name="proposal_issuer_action",
    ),
    path(
        "desk/proposals/<int:pk>/bureau/<slug:action>/",
        desk_views.bureau_action,
        name="proposal_bureau_action",
    ),
    path("bureau/selection/", desk_views.selection_desk, name="proposal_selection_desk"),
    path(
        "bureau/selection/<int:demand_id>/publicize/",
        desk_views.publicize,
        name="proposal_publicize",
    ),
    path("bureau/selection/<int:demand_id>/close/", desk_views.close, name="proposal_close"),
    path("results/", desk_views.results, name="results"),
]
