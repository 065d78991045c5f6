from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jiebang.core"
    label = "core"
    verbose_name = "基础"
