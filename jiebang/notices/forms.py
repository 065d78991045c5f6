from django import forms
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin
from jiebang.notices.models import ObjectorKind


class AnnouncementForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(
        label=_("正文"), max_length=20000, widget=forms.Textarea(attrs={"rows": 12})
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PublicNoticeForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("公示标题"), max_length=200)
    body = forms.CharField(
        label=_("公示内容"), max_length=20000, widget=forms.Textarea(attrs={"rows": 10})
    )
    start_on = forms.DateField(label=_("公示开始日期"), widget=DateInput())
    working_days = forms.IntegerField(
        label=_("公示期（工作日）"),
        min_value=1,
        max_value=60,
        help_text=_(
            "按工作日计算，遇法定节假日顺延；截止时间为最后一个工作日23:59:59（北京时间）。"
        ),
    )


class ObjectionForm(BootstrapMixin, forms.Form):
    """What the public types. Which fields are required depends on the kind and is decided by
    the service, so that an anonymous objection reaches it and is recorded as refused."""

    kind = forms.ChoiceField(
        label=_("提出方式"),
        choices=ObjectorKind.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    name = forms.CharField(label=_("姓名（单位提出时填联系人）"), max_length=64, required=False)
    id_number = forms.CharField(label=_("居民身份证号"), max_length=18, required=False)
    unit_name = forms.CharField(label=_("单位名称"), max_length=200, required=False)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    content = forms.CharField(
        label=_("异议内容及理由"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    letter = forms.FileField(
        label=_("书面异议材料"),
        required=False,
        help_text=_(
            "个人须本人签名，单位须加盖公章；PDF、OFD或JPG/PNG扫描件。提交出错时请重新选择文件。"
        ),
    )

    def add_service_error(self, error) -> None:
        """Put a refusal from `file_objection` on the form: field details next to their
        fields (marked invalid), otherwise the reason at the top. What was typed stays."""
        fields = [d for d in error.details if d.get("field") in self.fields]
        for detail in fields:
            self.add_error(detail["field"], detail["message"])
            attrs = self.fields[detail["field"]].widget.attrs
            if "is-invalid" not in attrs.get("class", ""):
                attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()
            attrs["aria-invalid"] = "true"
        if not fields:
            self.add_error(None, error.message)
