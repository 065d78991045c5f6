"""API v1 viewsets. Serializers and views only: every write calls a service, every read a
selector (architecture.md, layout `api/`)."""
