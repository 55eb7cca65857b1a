from django.contrib import admin

from interviews.scheduling.models import AvailabilityWindow, BlockedDate, Slot


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ("start", "interviewer", "is_withdrawn")
    list_select_related = ("interviewer",)
    raw_id_fields = ("interviewer",)
    date_hierarchy = "start"


admin.site.register(AvailabilityWindow, list_display=("interviewer", "weekday", "start_time", "end_time"))
admin.site.register(BlockedDate, list_display=("interviewer", "date"))
