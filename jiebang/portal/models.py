from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

SEARCH_VECTOR_INDEX = "portal_search_vector_gin"


class DemandSearchDocument(models.Model):
    """The full-text index entry of one published demand; written only by `portal.search`.

    `title_tokens` and `tokens` (the rest of the public text) hold space-separated jieba
    tokens. PostgreSQL searches `vector` (title weighted A, GIN index); SQLite searches the
    FTS5 table `portal_demand_fts` (rowid = demand id), created by this app's migration.
    """

    demand = models.OneToOneField(
        "demands.Demand",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_document",
    )
    title_tokens = models.TextField(blank=True)
    tokens = models.TextField(blank=True)
    vector = SearchVectorField(null=True)

    class Meta:
        # The GIN index exists on PostgreSQL only (see migration 0001).
        indexes = [GinIndex(fields=["vector"], name=SEARCH_VECTOR_INDEX)]

    def __str__(self):
        return f"search document of demand {self.demand_id}"
