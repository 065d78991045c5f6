from django import template
from django.utils.html import format_html

from jiebang.demands.enums import STATE_BADGES

register = template.Library()


@register.simple_tag
def demand_badge(demand):
    """The demand's state with the colour used everywhere (ui.md)."""
    return format_html(
        '<span class="badge {}" data-state="{}">{}</span>',
        STATE_BADGES.get(demand.state, "text-bg-secondary"),
        demand.state,
        demand.get_state_display(),
    )
