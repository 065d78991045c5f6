from urllib.parse import urlencode

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from jiebang.calls.models import Industry
from jiebang.calls.selectors import active_call, call_deadlines
from jiebang.core import clock
from jiebang.core.views_helpers import paginate
from jiebang.demands.enums import Category
from jiebang.demands.models import Demand
from jiebang.orgs.selectors import districts
from jiebang.portal import selectors
from jiebang.portal.cache import cached_for_anonymous

HALL_PARAMS = ("q", "category", "industry", "district", "status", "sort")


def hall_params(query) -> dict[str, str]:
    """The hall's filters as the view reads them from the query string."""
    return {key: query.get(key, "").strip()[:100] for key in HALL_PARAMS}


def hall_variant(request) -> str:
    """The hall's cache variant: its normalised filters and the page, sorted by name."""
    read = {key: value for key, value in hall_params(request.GET).items() if value}
    if request.GET.get("page"):
        read["page"] = request.GET["page"]
    return urlencode(sorted(read.items()))


@cached_for_anonymous(hall_variant)
def hall(request):
    """榜单大厅: the published demands, filtered, searched, sorted and paginated."""
    params = hall_params(request.GET)
    qs, matched = selectors.hall(**params)
    page = paginate(request, qs, per_page=12)
    from jiebang.portal.search import highlight

    for demand in page:
        demand.title_html = highlight(demand.title, params["q"])
        demand.summary_html = highlight((demand.summary or demand.problem)[:160], params["q"])
        demand.is_open = selectors.is_open(demand)
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    call = active_call()
    return render(
        request,
        "portal/hall.html",
        {
            "page": page,
            "params": params,
            "query_prefix": f"{query}&" if query else "",
            "categories": Category.choices,
            "industries": Industry.objects.order_by("sort_order", "id"),
            "districts": districts(),
            "call": call,
            "deadlines": call_deadlines(call) if call else [],
            "searched": matched is not None,
        },
    )


@cached_for_anonymous()
def hall_detail(request, pk):
    try:
        demand = selectors.public_demand(pk)
    except Demand.DoesNotExist as missing:
        raise Http404 from missing
    return render(
        request, "portal/detail.html", {"demand": demand, "is_open": selectors.is_open(demand)}
    )


def policies(request):
    return render(request, "portal/policies.html")


def _feed_items(request):
    qs, _ids = selectors.hall(sort="latest")
    for demand in qs[:100]:
        yield demand, request.build_absolute_uri(reverse("hall_detail", args=[demand.pk]))


@cached_for_anonymous()
def feed_json(request):
    """Open data: the latest published demands as JSON Feed 1.1 with structured extensions."""
    items = [
        {
            "id": demand.number,
            "url": url,
            "title": demand.title,
            "content_text": demand.problem,
            "summary": demand.summary,
            "date_published": demand.published_at.isoformat(),
            "_jiebang": {
                "category": demand.category,
                "category_label": demand.get_category_display(),
                "industry": demand.industry.name if demand.industry_id else "",
                "issuer": demand.organization.name,
                "district": str(demand.organization.district)
                if demand.organization.district_id
                else "",
                "total_investment_yuan": str(demand.total_investment)
                if demand.total_investment is not None
                else None,
                "solicitation_deadline": demand.solicitation_deadline.isoformat(),
                "horse_race": demand.is_horse_race,
                "state": demand.state,
            },
        }
        for demand, url in _feed_items(request)
    ]
    return JsonResponse(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "揭榜挂帅榜单",
            "home_page_url": request.build_absolute_uri("/"),
            "feed_url": request.build_absolute_uri(reverse("feed_json")),
            "language": "zh-CN",
            "items": items,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@cached_for_anonymous()
def feed_atom(request):
    from django.utils.feedgenerator import Atom1Feed

    feed = Atom1Feed(
        title="揭榜挂帅榜单",
        link=request.build_absolute_uri("/"),
        description="已发布的揭榜挂帅需求",
        language="zh-cn",
        feed_url=request.build_absolute_uri(reverse("feed_atom")),
    )
    for demand, url in _feed_items(request):
        feed.add_item(
            title=demand.title,
            link=url,
            description=f"{demand.get_category_display()} · {demand.organization.name} · 揭榜截止 {clock.format_beijing(demand.solicitation_deadline)}\n{demand.problem}",
            unique_id=url,
            pubdate=demand.published_at,
            categories=[demand.get_category_display()]
            + ([demand.industry.name] if demand.industry_id else []),
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response
