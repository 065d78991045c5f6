from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jiebang.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from jiebang.core import (
            checks,  # noqa: F401  (registers the system checks)
            permissions,  # noqa: F401  (registers the django-rules permissions)
        )

        # Each app declares the Excel exports of its lists in `<app>/exports.py`.
        autodiscover_modules("exports")
        # …and its Excel imports, run as background jobs, in `<app>/imports.py`.
        autodiscover_modules("imports")
