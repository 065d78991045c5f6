from decimal import Decimal

from django import template

from jiebang.core.clock import format_beijing

register = template.Library()


@register.filter
def wanyuan(value) -> str:
    """Yuan shown in 万元, as officials expect: 5000000 → '500.00'."""
    if value in (None, ""):
        return ""
    return f"{(Decimal(value) / Decimal(10000)).quantize(Decimal('0.01')):,}"


@register.filter
def beijing_time(value) -> str:
    return format_beijing(value)


STATE_CLASSES = {
    "pending": "state-pending",
    "verified": "state-verified",
    "rejected": "state-rejected",
    "active": "state-active",
    "disabled": "state-disabled",
}


@register.simple_tag
def state_badge(value, label):
    from django.utils.html import format_html

    return format_html(
        '<span class="badge {}">{}</span>', STATE_CLASSES.get(value, "text-bg-secondary"), label
    )
