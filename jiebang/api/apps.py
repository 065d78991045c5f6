from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jiebang.api"
    verbose_name = "接口"

    def ready(self):
        from jiebang.api import rules  # noqa: F401  (registers the django-rules permissions)
