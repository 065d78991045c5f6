"""API v1 viewsets. Serializers and views only: every write calls a service, every read a
selector (architecture.md, layout `api/`)."""

from jiebang.api import (
    views_core,  # noqa: F401
    views_later,  # noqa: F401
)
