from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "jiebang.review"
    label = "review"
    verbose_name = "专家评审"

    def ready(self):
        from jiebang.review import permissions  # noqa: F401  (registers the django-rules permissions)
