from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "jiebang.proposals"
    label = "proposals"
    verbose_name = "揭榜申请"
