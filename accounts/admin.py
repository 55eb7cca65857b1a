from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = (
        "email",
        "display_name",
        "target_level",
        "is_interviewer",
        "interviewer_level",
        "is_staff",
    )
    list_filter = ("is_interviewer", "target_level", "target_company_type", "is_staff", "is_active")
    search_fields = ("email", "display_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            "Profile",
            {"fields": ("display_name", "time_zone", "current_level", "target_level", "target_company_type")},
        ),
        (
            "Interviewer",
            {
                "fields": (
                    "is_interviewer",
                    "interviewer_level",
                    "company_experience",
                    "sessions_per_week",
                    "bio",
                )
            },
        ),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined", "onboarded_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
