from django.core.management.base import BaseCommand

from jiebang.portal.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the full-text search index of all published demands (已发榜/已揭榜/流榜)."

    def handle(self, *args, **options):
        count = rebuild_index()
        self.stdout.write(f"搜索索引已重建：{count} 条已发布需求。")
