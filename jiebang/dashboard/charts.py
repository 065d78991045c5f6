"""The data each dashboard chart receives (through `json_script`), built from `stats`.

Plain JSON: Chinese names, numbers (money in 万元 as floats with two places). The static
`jiebang/dashboard.js` turns each payload into an ECharts option; no JavaScript is inlined.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

WAN = Decimal(10000)


def wan(amount: Decimal) -> float:
    """Yuan to 万元, two places, as a JSON number."""
    return float((Decimal(amount) / WAN).quantize(Decimal("0.01")))


def _bars(rows: list[dict]) -> dict:
    return {
        "categories": [r["name"] for r in rows],
        "series": [
            {"name": _("已提交需求"), "data": [r["submitted"] for r in rows]},
            {"name": _("已发布榜单"), "data": [r["published"] for r in rows]},
            {"name": _("立项项目"), "data": [r["projects"] for r in rows]},
        ],
    }


def chart_payloads(statistics: dict) -> dict[str, dict]:
    """{chart name: payload}; the names are the `chart-<name>` ids of the page."""
    money = statistics["money"]
    return {
        "funnel": {
            "title": _("需求转化漏斗"),
            "data": [
                {"name": s["name"], "value": s["value"]} for s in statistics["funnel"]["stages"]
            ],
        },
        "industry": _bars(statistics["by_industry"]),
        "district": _bars(statistics["by_district"]),
        "category": {
            "title": _("已提交需求类别构成"),
            "data": [
                {"name": r["name"], "value": r["submitted"]} for r in statistics["by_category"]
            ],
        },
        "money": {
            "unit": _("万元"),
            "categories": [_("财政资助（立项）"), _("财政已拨付"), _("企业及社会投入")],
            "values": [
                wan(money["fiscal_total"]),
                wan(money["fiscal_paid"]),
                wan(money["enterprise"]),
            ],
            "leverage": money["leverage_display"],
        },
        "hourly": {
            "title": _("截止前48小时每小时提交量"),
            "categories": [b["label"] for b in statistics["hourly"]["buckets"]],
            "values": [b["count"] for b in statistics["hourly"]["buckets"]],
        },
        "review": {
            "categories": [r["title"] for r in statistics["review"]],
            "series": [
                {"name": _("待声明"), "data": [r["assigned"] for r in statistics["review"]]},
                {"name": _("已声明待评分"), "data": [r["declared"] for r in statistics["review"]]},
                {"name": _("已评分"), "data": [r["scored"] for r in statistics["review"]]},
                {"name": _("已回避"), "data": [r["recused"] for r in statistics["review"]]},
            ],
        },
    }
