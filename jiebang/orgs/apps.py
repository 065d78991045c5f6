from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "jiebang.orgs"
    label = "orgs"
    verbose_name = "单位与人员"

    def ready(self):
        from jiebang.orgs import permissions  # noqa: F401  (registers the django-rules permissions)
        from jiebang.orgs.security import receivers

        receivers.connect()
