from django.contrib import admin

from jiebang.notices.models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The bureau enters each year's State Council holiday arrangement here. Notices already
    open keep the end computed when they opened."""

    list_display = ("date", "weekday", "kind", "name")
    list_filter = ("kind", "name")
    date_hierarchy = "date"
    search_fields = ("name",)
    ordering = ("date",)

    @admin.display(description="星期")
    def weekday(self, obj):
        return "一二三四五六日"[obj.date.weekday()]
