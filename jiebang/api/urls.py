from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from jiebang.api import views  # noqa: F401 — importing registers the viewsets
from jiebang.api.routers import router

# ReDoc styles itself with styled-components, which inserts <style> elements at run time,
# and runs its search index in a Web Worker made from a blob: URL. Those two exceptions to
# the site's Content-Security-Policy are granted to this page only (docs/security.md).
REDOC_CSP = {"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]}

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path(
        "docs/",
        # The split view serves its init script as a second request (?script): no inline
        # script, so Swagger UI runs under the site's policy unchanged.
        SpectacularSwaggerSplitView.as_view(
            url_name="api_schema", template_name="api/swagger_ui.html"
        ),
        name="api_docs",
    ),
    path(
        "redoc/",
        # Our template drops the stock page's Google web fonts (nothing loads from outside).
        csp_update(REDOC_CSP)(
            SpectacularRedocView.as_view(url_name="api_schema", template_name="api/redoc.html")
        ),
        name="api_redoc",
    ),
    *router.urls,
]
