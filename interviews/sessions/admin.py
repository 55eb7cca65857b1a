from django.contrib import admin

from interviews.sessions.models import Question, Session


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
