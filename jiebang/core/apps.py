from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jiebang.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from jiebang.core import permissions  # noqa: F401  (registers the django-rules permissions)
