"""Filters of the API v1 lists (django-filter). They narrow what the selectors already
scoped to the user; they never widen it."""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from jiebang.api.serializers import MAX_ID
from jiebang.calls.models import Call
from jiebang.demands.enums import Category, DemandState
from jiebang.demands.models import Demand
from jiebang.orgs.enums import OrgKind
from jiebang.orgs.models import Organization


class BoundedIdField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.Filter):
    """An id (of a call, an industry, a district): a positive integer within range."""

    field_class = BoundedIdField


class DemandFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=DemandState.choices, label="状态")
    category = django_filters.ChoiceFilter(choices=Category.choices, label="需求类别")
    call = IdFilter(field_name="call_id", label="征集批次 id")
    industry = IdFilter(field_name="industry_id", label="产业领域 id")

    class Meta:
        model = Demand
        fields = ["state", "category", "call", "industry"]


class UnitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrgKind.choices, label="单位类型")
    district = IdFilter(field_name="district_id", label="区县 id")

    class Meta:
        model = Organization
        fields = ["kind", "district"]


class CallFilter(django_filters.FilterSet):
    is_active = django_filters.BooleanFilter(label="当前批次")
    year = django_filters.NumberFilter(
        field_name="year", label="年度", min_value=1980, max_value=2100
    )

    class Meta:
        model = Call
        fields = ["is_active", "year"]
