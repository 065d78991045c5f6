"""Over-long and malformed input is refused with a Chinese message, in every form of the
pages and every input serializer of the API: one character over each text field's limit, a
NUL character, letters where a number, a date or a choice belongs."""

import importlib
import inspect
import re

import pytest
from django import forms
from rest_framework import serializers

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

CJK = re.compile(r"[\u4e00-\u9fff]")
FORM_MODULES = [
    "jiebang.calls.forms",
    "jiebang.core.forms",
    "jiebang.demands.forms",
    "jiebang.notices.forms",
    "jiebang.orgs.forms",
    "jiebang.projects.forms",
    "jiebang.proposals.forms",
    "jiebang.review.forms",
]
SERIALIZER_MODULES = [
    "jiebang.api.serializers",
    "jiebang.api.serializers_later",
    "jiebang.api.serializers_projects",
]


def _classes(module_names, base):
    found = []
    for name in module_names:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, base) and cls.__module__ == name:
                found.append(cls)
    return found


def bad_values(field) -> list[tuple[str, str]]:
    """(what is wrong, the value) for a field of a page form."""
    values = []
    if isinstance(field, forms.CharField):
        if field.max_length:
            values.append(("over-long", "长" * (field.max_length + 1)))
        values.append(("NUL character", "正常文字\x00"))
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        values.append(("letters for a number", "一百万"))
    if isinstance(field, forms.DateField | forms.DateTimeField):
        values.append(("malformed date", "2024-13-45"))
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.TypedChoiceField):
        values.append(("unknown choice", "<not-a-choice>"))
    return values


def page_forms():
    built = []
    for cls in _classes(FORM_MODULES, forms.BaseForm):
        try:
            cls(data={}).is_valid()
        except (TypeError, AttributeError):  # needs its object (a demand, a proposal)
            continue
        built.append(cls)
    return built


def test_every_page_form_refuses_bad_input_in_chinese():
    checked = 0
    for cls in page_forms():
        for name, field in cls().fields.items():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            for problem, value in bad_values(field):
                form = cls(data={name: value})
                assert not form.is_valid()
                errors = form.errors.get(name)
                assert errors, f"{cls.__name__}.{name} accepted {problem}"
                assert all(CJK.search(message) for message in errors), (
                    cls.__name__,
                    name,
                    problem,
                    errors,
                )
                checked += 1
    assert checked > 150, checked


def serializer_bad_values(field) -> list[tuple[str, object]]:
    values = []
    if isinstance(field, serializers.CharField) and not field.read_only:
        if field.max_length:
            values.append(("over-long", "长" * (field.max_length + 1)))
        values.append(("NUL character", "正常文字\x00"))
    if isinstance(field, serializers.IntegerField | serializers.DecimalField):
        values.append(("letters for a number", "一百万"))
    if isinstance(field, serializers.DateField | serializers.DateTimeField):
        values.append(("malformed date", "2024-13-45"))
    if isinstance(field, serializers.ChoiceField):
        values.append(("unknown choice", "<not-a-choice>"))
    return values


def test_every_api_input_refuses_bad_input_in_chinese():
    checked = 0
    for cls in _classes(SERIALIZER_MODULES, serializers.Serializer):
        if issubclass(cls, serializers.ModelSerializer):
            continue  # the API's model serializers only read
        try:
            fields = cls().fields
        except (TypeError, AssertionError):
            continue
        for name, field in fields.items():
            if field.read_only:
                continue
            for problem, value in serializer_bad_values(field):
                serializer = cls(data={name: value})
                assert not serializer.is_valid()
                errors = serializer.errors.get(name)
                assert errors, f"{cls.__name__}.{name} accepted {problem}"
                messages = errors if isinstance(errors, list) else [str(errors)]
                assert all(CJK.search(str(m)) for m in messages), (cls.__name__, name, errors)
                checked += 1
    assert checked > 150, checked
