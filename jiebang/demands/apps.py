from django.apps import AppConfig


class DemandsConfig(AppConfig):
    name = "jiebang.demands"
    label = "demands"
    verbose_name = "需求征集"

    def ready(self):
        from jiebang.demands import permissions  # noqa: F401  (registers the django-rules permissions)
