from allauth.account.views import LoginView as AllauthLoginView
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.credits import HOW_TO_EARN, SESSION_PRICE, credit_entries
from accounts.forms import NotificationPreferencesForm, ProfileForm
from accounts.models import User
from accounts.services import (
    calendar_token_regenerate,
    member_delete,
    notification_preferences_update,
    profile_update,
)

PROFILE_CREDIT_HISTORY = 20
LEVEL_CLAIM_PENDING = (
    "Interviewing at L5+ needs staff approval: your claim is in their queue. Meanwhile you "
    "interview candidates aiming at L4 and below."
)


def _save_profile(request, *, template: str, success_message: str, default_next: str):
    # The form works on its own copy so a rejected edit never shows in the page's header.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(user=request.user, data=form.profile_data())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, success_message)
            if request.user.level_claim:
                messages.info(request, LEVEL_CLAIM_PENDING)
            next_url = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                next_url = default_next
            return redirect(next_url)
    context = {"form": form, "feed_url": _feed_url(request)}
    if template == "accounts/profile.html":
        context.update(
            credit_history=credit_entries(user=request.user)[:PROFILE_CREDIT_HISTORY],
            notifications_form=NotificationPreferencesForm(instance=request.user),
            session_price=SESSION_PRICE,
            how_to_earn=HOW_TO_EARN,
        )
    return render(request, template, context)


def _feed_url(request) -> str:
    return request.build_absolute_uri(reverse("calendar-feed", args=[request.user.calendar_token]))


@login_required
def onboarding(request):
    if request.user.is_onboarded and request.method == "GET":
        return redirect("profile")
    return _save_profile(
        request,
        template="accounts/onboarding.html",
        success_message="Welcome to PeerLoop! Your profile is set.",
        default_next="home",
    )


@login_required
def profile(request):
    return _save_profile(
        request, template="accounts/profile.html", success_message="Profile saved.", default_next="profile"
    )


@login_required
@require_POST
def calendar_token_reset(request):
    calendar_token_regenerate(user=request.user)
    messages.success(
        request, "New calendar link made. The old one no longer works: update your calendar app."
    )
    return redirect("profile")


@login_required
@require_POST
def account_delete(request):
    """Leave PeerLoop: with the member's password, erase their personal data (member_delete)."""
    if not request.user.check_password(request.POST.get("password", "")):
        messages.error(request, "That is not your password: your account was not deleted.")
        return redirect(reverse("profile") + "#leave-title")
    member_delete(user=request.user)
    logout(request)
    messages.success(
        request, "Your account is deleted and your personal data erased. Goodbye, and thank you."
    )
    return redirect("home")


@login_required
@require_POST
def notification_preferences(request):
    form = NotificationPreferencesForm(request.POST, instance=User.objects.get(pk=request.user.pk))
    if form.is_valid():
        notification_preferences_update(user=request.user, data=form.cleaned_data)
        messages.success(request, "Reminder choices saved. Confirmations and cancellations always reach you.")
    return redirect(reverse("profile") + "#reminders-title")


class LoginView(AllauthLoginView):
    """allauth's sign-in page; when its limits stop an attempt the answer is a 429 whose page says
    how to get in anyway (a sign-in code by e-mail)."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "too_many_login_attempts"):
            response.status_code = 429
        return response


login = LoginView.as_view()
