from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "jiebang.proposals"
    label = "proposals"
    verbose_name = "揭榜申请"

    def ready(self):
        from jiebang.proposals import permissions  # noqa: F401  (registers the django-rules permissions)
