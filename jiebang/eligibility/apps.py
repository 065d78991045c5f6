from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "jiebang.eligibility"
    label = "eligibility"
    verbose_name = "资格审查规则"
