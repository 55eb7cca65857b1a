from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone

from interviews.models import AvailabilityWindow, BlockedDate, OutboxMessage, Question, Session, Slot
from interviews.services.notifications import outbox_retry


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("title", "company_type", "min_level", "max_level", "is_active")
    list_filter = ("company_type", "min_level", "is_active")
    search_fields = ("title", "prompt", "company_context")


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = (
        "start",
        "candidate",
        "interviewer",
        "status",
        "target_level",
        "company_type",
        "late_cancellation",
    )
    list_filter = ("status", "company_type", "target_level", "late_cancellation")
    search_fields = ("candidate__email", "interviewer__email")
    list_select_related = ("candidate", "interviewer")
    raw_id_fields = ("candidate", "interviewer", "slot", "question", "cancelled_by", "no_show_reported_by")
    date_hierarchy = "start"


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ("start", "interviewer", "is_withdrawn")
    list_select_related = ("interviewer",)
    raw_id_fields = ("interviewer",)
    date_hierarchy = "start"


admin.site.register(AvailabilityWindow, list_display=("interviewer", "weekday", "start_time", "end_time"))
admin.site.register(BlockedDate, list_display=("interviewer", "date"))


class OutboxStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("due", "Due"),
            ("failing", "Failing"),
            ("given_up", "Given up"),
            ("sent", "Sent"),
            ("withdrawn", "Withdrawn"),
        ]

    def queryset(self, request, queryset):
        unsent = Q(sent_at__isnull=True, withdrawn_at__isnull=True)
        states = {
            "due": unsent & Q(attempts=0, due_at__lte=timezone.now()),
            "failing": unsent & Q(attempts__gt=0, attempts__lt=OutboxMessage.MAX_ATTEMPTS),
            "given_up": unsent & Q(attempts__gte=OutboxMessage.MAX_ATTEMPTS),
            "sent": Q(sent_at__isnull=False),
            "withdrawn": Q(withdrawn_at__isnull=False),
        }
        return queryset.filter(states[self.value()]) if self.value() in states else queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The operations view of the outbox: what is due, sent, failing (with the last error)."""

    list_display = ("kind", "recipient", "session", "due_at", "state", "attempts", "sent_at", "short_error")
    list_filter = (OutboxStateFilter, "kind")
    search_fields = ("recipient__email",)
    list_select_related = ("recipient", "session__candidate", "session__interviewer")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry"]
    date_hierarchy = "due_at"

    @admin.display(description="last error")
    def short_error(self, message):
        return message.last_error[:80]

    @admin.action(description="Retry the selected unsent messages now")
    def retry(self, request, queryset):
        count = outbox_retry(message_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} message(s) will be sent at the next run.", messages.SUCCESS)

    def has_add_permission(self, request):
        return False
