from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "jiebang.notices"
    label = "notices"
    verbose_name = "通知公告"

    def ready(self):
        from jiebang.notices import permissions  # noqa: F401  (registers the django-rules permissions)
