from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("django-admin/", admin.site.urls),
    # The public hall first: it carries the anonymous load (bench/RESULTS.md), and none of
    # its routes (/, hall/<int:pk>/, policies/, feeds/demands.*) is matched by another app.
    path("", include("jiebang.portal.urls")),
    path("", include("jiebang.core.urls")),
    path("", include("jiebang.dashboard.urls")),
    path("", include("jiebang.orgs.urls")),
    path("", include("jiebang.calls.urls")),
    path("", include("jiebang.demands.urls")),
    path("", include("jiebang.notices.urls")),
    path("", include("jiebang.review.urls")),
    path("", include("jiebang.proposals.urls")),
    path("", include("jiebang.proposals.desk_urls")),
    path("api/v1/", include("jiebang.api.urls")),
    path("", include("jiebang.api.page_urls")),
    path("", include("jiebang.projects.urls")),
]
