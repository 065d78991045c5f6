from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "jiebang.calls"
    label = "calls"
    verbose_name = "年度征集批次"
