from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone

from interviews.notifications.models import OutboxMessage
from interviews.notifications.outbox import outbox_retry


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

    list_display = (
        "kind_label",
        "recipient",
        "session",
        "due_at",
        "state",
        "attempts",
        "sent_at",
        "short_error",
    )
    list_filter = (OutboxStateFilter, "kind")
    list_display_links = ("kind_label",)
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
