from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "jiebang.dashboard"
    label = "dashboard"
    verbose_name = "工作台"

    def ready(self):
        from jiebang.dashboard import permissions  # noqa: F401  (registers the django-rules permissions)
