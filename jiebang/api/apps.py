from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jiebang.api"
    verbose_name = "接口"
