from django import forms
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin


class AnnouncementForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(
        label=_("正文"), max_length=20000, widget=forms.Textarea(attrs={"rows": 12})
    )
