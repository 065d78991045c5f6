from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "jiebang.projects"
    verbose_name = "项目管理"

    def ready(self):
        from jiebang.projects import permissions  # noqa: F401 — registers the predicates
