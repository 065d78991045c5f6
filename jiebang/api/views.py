"""API v1 viewsets. Serializers and views only: every write calls a service, every read a
selector (architecture.md, layout `api/`). Importing a module registers its viewsets."""

from jiebang.api import (  # noqa: F401
    views_core,
    views_notices,
    views_projects,
    views_proposals,
    views_review,
)
