from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "jiebang.calls"
    label = "calls"
    verbose_name = "年度征集批次"

    def ready(self):
        from jiebang.calls import permissions  # noqa: F401  (registers the django-rules permissions)
