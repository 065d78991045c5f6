import json
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin
from jiebang.review.enums import Recommendation, RoundKind


class RoundForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("评审类型"),
        choices=[(k.value, k.label) for k in (RoundKind.DEMAND_REVIEW, RoundKind.PROPOSAL_REVIEW)],
        widget=forms.HiddenInput,
    )
    title = forms.CharField(label=_("评审名称"), max_length=200)
    experts_per_item = forms.IntegerField(label=_("每项专家人数"), min_value=1, max_value=15)
    max_load = forms.IntegerField(label=_("每位专家评审上限"), min_value=1, max_value=100)
    blind = forms.BooleanField(label=_("盲评（对专家隐藏申报单位、团队和编号）"), required=False)
    deadline = forms.DateTimeField(
        label=_("评审截止时间（北京时间）"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"
        ),
    )
    criteria_text = forms.CharField(
        label=_("评审指标"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每行一项：指标名称,权重,满分。例如：产业带动,25,25"),
    )

    def clean_criteria_text(self):
        rows = []
        for line_no, line in enumerate(self.cleaned_data["criteria_text"].splitlines(), 1):
            line = line.strip().replace("，", ",")
            if not line:
                continue
            parts = [p.strip() for p in line.split(",")]
            if len(parts) != 3:
                raise forms.ValidationError(
                    _("第%(n)d行格式应为“指标名称,权重,满分”。") % {"n": line_no}
                )
            try:
                weight, max_score = Decimal(parts[1]), Decimal(parts[2])
            except ArithmeticError as bad:
                raise forms.ValidationError(
                    _("第%(n)d行的权重和满分应为数字。") % {"n": line_no}
                ) from bad
            rows.append({"name": parts[0], "weight": str(weight), "max_score": str(max_score)})
        if not rows:
            raise forms.ValidationError(_("请至少设置一项评审指标。"))
        return rows


def criteria_as_text(criteria) -> str:
    return "\n".join(
        f"{c['name']},{c['weight']},{c.get('max_score', c['weight'])}" for c in criteria
    )


class ScoreForm(BootstrapMixin, forms.Form):
    """One number field per criterion of the round, plus comment and recommendation."""

    comment = forms.CharField(
        label=_("评审意见"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5})
    )
    recommendation = forms.ChoiceField(label=_("评审建议"), choices=Recommendation.choices)

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for index, c in enumerate(self.criteria):
            self.fields[f"c{index}"] = forms.DecimalField(
                label=f"{c.name}（满分 {c.max_score}，权重 {c.weight}）",
                min_value=0,
                max_value=c.max_score,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}),
            )
        self.order_fields(
            [f"c{i}" for i in range(len(self.criteria))] + ["comment", "recommendation"]
        )

    def criterion_fields(self):
        return [self[f"c{i}"] for i in range(len(self.criteria))]

    def scores(self) -> dict:
        return {c.name: self.cleaned_data[f"c{i}"] for i, c in enumerate(self.criteria)}


def criteria_json(criteria) -> str:
    return json.dumps(criteria, ensure_ascii=False)
