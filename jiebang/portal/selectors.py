"""What the public may read: published demands and only their public fields."""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

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
            rank = Case(
                *[When(pk=pk, then=Value(pos)) for pos, pk in enumerate(ids)],
                output_field=IntegerField(),
            )
            return qs.annotate(search_rank=rank).order_by("search_rank", "-published_at"), ids
    return qs.order_by(*SORTS.get(sort, SORTS["latest"])), ids


def public_demand(pk: int) -> Demand:
    return published_demands().prefetch_related("indicators", "routes").get(pk=pk)


def is_open(demand: Demand) -> bool:
    return demand.state == DemandState.PUBLISHED and demand.solicitation_deadline >= clock.now()
