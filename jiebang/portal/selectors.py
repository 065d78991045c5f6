"""What the public may read: published demands and only their public fields."""

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from jiebang.core import clock
from jiebang.demands.enums import Category, DemandState
from jiebang.demands.models import Demand

PUBLIC_STATES = (DemandState.PUBLISHED, DemandState.MATCHED, DemandState.UNSOLVED)
SORTS = {
    "latest": ("-published_at", "-id"),
    "deadline": ("solicitation_deadline", "id"),
    "investment": ("-total_investment", "-id"),
}


def published_demands() -> QuerySet[Demand]:
    return (
        Demand.objects.filter(state__in=PUBLIC_STATES)
        .select_related("organization__district", "industry")
        .defer(
            "contact_phone", "contact_phone_masked", "contact_email", "contact_name", "state_reason"
        )
    )


def hall(
    *,
    q: str = "",
    category: str = "",
    industry: str = "",
    district: str = "",
    status: str = "",
    sort: str = "",
):
    """The list hall's queryset and the matched ids (None when there is no search)."""
    from jiebang.portal.search import matching_demand_ids

    qs = published_demands()
    if category in Category.values:
        qs = qs.filter(category=category)
    if industry.isdigit():
        qs = qs.filter(industry_id=int(industry))
    if district == "out":
        qs = qs.filter(organization__district__isnull=True)
    elif district.isdigit():
        qs = qs.filter(organization__district_id=int(district))
    now = clock.now()
    if status == "open":
        qs = qs.filter(state=DemandState.PUBLISHED, solicitation_deadline__gte=now)
    elif status == "closed":
        qs = qs.filter(Q(solicitation_deadline__lt=now) | ~Q(state=DemandState.PUBLISHED))
    ids = matching_demand_ids(q) if q.strip() else None
    if ids is not None:
        ids = ids[:1000]
        qs = qs.filter(pk__in=ids)
        if sort not in SORTS:
            return qs.annotate(search_rank=_rank_in(ids)).order_by(
                "search_rank", "-published_at"
            ), ids
    return qs.order_by(*SORTS.get(sort, SORTS["latest"])), ids


def _rank_in(ids: list[int]):
    """Each demand's position in the search's ranked ids. On PostgreSQL `array_position` over
    one array parameter: a CASE with one branch per id (up to 1,000) cost ~150 ms to plan and
    evaluate there, which made an uncached search page take a third of a second."""
    if connection.vendor == "postgresql":
        # The ids are a bound parameter; the table name is the model's own.
        return RawSQL(  # noqa: S611
            f'array_position(%s::bigint[], "{Demand._meta.db_table}"."id")',
            (list(ids),),
            output_field=IntegerField(),
        )
    return Case(
        *[When(pk=pk, then=Value(pos)) for pos, pk in enumerate(ids)],
        output_field=IntegerField(),
    )


def public_demand(pk: int) -> Demand:
    return published_demands().prefetch_related("indicators", "routes").get(pk=pk)


def is_open(demand: Demand) -> bool:
    return demand.state == DemandState.PUBLISHED and demand.solicitation_deadline >= clock.now()
