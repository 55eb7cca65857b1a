from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse

from accounts.credits import MAX_GRANT, credits_grant
from accounts.hooks import hooks
from accounts.models import CreditEntry, User
from accounts.services import interviewer_approve, member_delete, user_deactivate


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = (
        "email",
        "display_name",
        "target_level",
        "is_interviewer",
        "interviewer_level",
        "level_claim",
        "interviewer_vetted_at",
        "credit_balance",
        "is_staff",
        "left_at",
    )
    readonly_fields = ("credit_balance",)
    actions = ("grant_credits", "vet_interviewers", "approve_senior", "deactivate", "erase")
    list_filter = (
        ("interviewer_vetted_at", admin.EmptyFieldListFilter),
        "level_claim",
        "is_interviewer",
        "target_level",
        "target_company_type",
        "is_staff",
        "is_active",
    )
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
                    "level_claim",
                    "interviewer_vetted_at",
                    "senior_approved_at",
                )
            },
        ),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Credits", {"fields": ("credit_balance",)}),
        ("Dates", {"fields": ("last_login", "date_joined", "onboarded_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    @admin.action(description="Vet the selected interviewers (their evaluations stop being provisional)")
    def vet_interviewers(self, request, queryset):
        count = 0
        for user in queryset.filter(is_interviewer=True):
            interviewer_approve(user=user)
            count += 1
        self.message_user(request, f"{count} interviewer{'s' if count != 1 else ''} vetted.")

    @admin.action(description="Vet and approve for L5+ (a pending L5+ claim takes effect)")
    def approve_senior(self, request, queryset):
        count = 0
        for user in queryset.filter(is_interviewer=True):
            interviewer_approve(user=user, senior=True)
            count += 1
        self.message_user(request, f"{count} interviewer{'s' if count != 1 else ''} approved for L5+.")

    @admin.action(description="Deactivate the selected members (their upcoming sessions are cancelled)")
    def deactivate(self, request, queryset):
        count = 0
        for user in queryset.filter(is_active=True):
            user_deactivate(user=user)
            count += 1
        self.message_user(request, f"{count} member{'s' if count != 1 else ''} deactivated.")

    @admin.action(description="Erase the selected members' personal data (they leave; irreversible)")
    def erase(self, request, queryset):
        count = 0
        for user in queryset.filter(left_at__isnull=True).exclude(pk=request.user.pk):
            member_delete(user=user)
            count += 1
        self.message_user(request, f"{count} member{'s' if count != 1 else ''} erased.")

    def save_model(self, request, obj, form, change):
        # Unticking "active" goes through the service, so nobody is stranded by it.
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        if deactivating:
            obj.is_active = True
        super().save_model(request, obj, form, change)
        followed = set(form.changed_data) - {"is_active"} if change else set()
        if followed:  # sessions and slots follow the profile, as after the profile page
            hooks.profile_changed(obj, followed)
        if deactivating:
            user_deactivate(user=obj)
            obj.is_active = False

    @admin.action(description="Grant credits to the selected member")
    def grant_credits(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Grant credits to one member at a time.", messages.WARNING)
            return None
        url = reverse("admin:accounts_creditentry_add")
        return HttpResponseRedirect(f"{url}?user={queryset.get().pk}")


class CreditGrantForm(forms.ModelForm):
    amount = forms.IntegerField(min_value=1, max_value=MAX_GRANT, help_text=f"1 to {MAX_GRANT} credits.")

    class Meta:
        model = CreditEntry
        fields = ("user", "amount", "note")


@admin.register(CreditEntry)
class CreditEntryAdmin(admin.ModelAdmin):
    """The ledger, read-only; "add" is a staff grant (written through credits_grant)."""

    list_display = ("created_at", "user", "cause", "amount", "balance_after", "session_id", "note")
    list_filter = ("cause",)
    search_fields = ("user__email", "user__display_name")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    form = CreditGrantForm

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("user", "amount", "balance_after", "cause", "session_id", "note", "granted_by", "created_at")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "amount", "note")
        return self.get_readonly_fields(request, obj)

    @admin.action(description="Erase the selected members' personal data (they leave; irreversible)")
    def erase(self, request, queryset):
        count = 0
        for user in queryset.filter(left_at__isnull=True).exclude(pk=request.user.pk):
            member_delete(user=user)
            count += 1
        self.message_user(request, f"{count} member{'s' if count != 1 else ''} erased.")

    def save_model(self, request, obj, form, change):
        try:
            entry = credits_grant(user=obj.user, amount=obj.amount, by=request.user, note=obj.note)
        except ValidationError as exc:  # the form already checks the range; belt and braces
            raise ValueError(exc.messages) from exc
        obj.pk = entry.pk
