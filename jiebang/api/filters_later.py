"""django-filter FilterSets of the later-stage API lists. They narrow a queryset that a
selector has already scoped to the user; they never widen it."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiebang.demands.enums import Category
from jiebang.notices.models import (
    Announcement,
    AnnouncementKind,
    NoticeState,
    Objection,
    ObjectionState,
    PublicNotice,
)
from jiebang.projects.enums import DisbursementState, ProjectState, Trigger
from jiebang.projects.models import Disbursement, Project
from jiebang.proposals.enums import ProposalState
from jiebang.proposals.models import Proposal
from jiebang.review.enums import AssignmentState, RoundKind, RoundState
from jiebang.review.models import Assignment, ReviewRound


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number within a 64-bit integer (anything else is a 400, not a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class ProposalFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ProposalState.choices)
    demand = IdFilter(field_name="demand_id")
    call = IdFilter(field_name="demand__call_id", label=_("征集批次"))
    lead = IdFilter(field_name="lead_id", label=_("牵头单位"))

    class Meta:
        model = Proposal
        fields = ["state", "demand", "call", "lead"]


class AssignmentFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=AssignmentState.choices)
    round = IdFilter(field_name="round_id")

    class Meta:
        model = Assignment
        fields = ["state", "round"]


class RoundFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=RoundKind.choices)
    state = django_filters.ChoiceFilter(choices=RoundState.choices)
    call = IdFilter(field_name="call_id")

    class Meta:
        model = ReviewRound
        fields = ["kind", "state", "call"]


class NoticeFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=NoticeState.choices)

    class Meta:
        model = PublicNotice
        fields = ["state"]


class AnnouncementFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AnnouncementKind.choices)

    class Meta:
        model = Announcement
        fields = ["kind"]


class ObjectionFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ObjectionState.choices)
    notice = IdFilter(field_name="notice_id")

    class Meta:
        model = Objection
        fields = ["state", "notice"]


class ProjectFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ProjectState.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    call = IdFilter(field_name="call_id", label=_("征集批次"))
    is_race = django_filters.BooleanFilter()
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("逾期未验收"))
    q = django_filters.CharFilter(method="filter_q", label=_("项目编号、名称或承担单位"))

    class Meta:
        model = Project
        fields = ["state", "category", "call", "is_race", "overdue", "q"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_since__isnull=not value)

    def filter_q(self, queryset, name, value):
        value = value.strip()[:50]
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value) | Q(title__icontains=value) | Q(solver__name__icontains=value)
        )


class DisbursementFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=DisbursementState.choices)
    trigger = django_filters.ChoiceFilter(choices=Trigger.choices)
    project = IdFilter(field_name="project_id")
    call = IdFilter(field_name="project__call_id", label=_("征集批次"))

    class Meta:
        model = Disbursement
        fields = ["state", "trigger", "project", "call"]
