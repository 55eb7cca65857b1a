"""The interviewer's availability page: weekly windows, dates off, and the coming slots."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from interviews.scheduling import services
from interviews.scheduling.forms import BlockedDateForm, WindowForm
from interviews.scheduling.selectors import blocked_date_for_user, slot_preview, slots_by_day, window_for_user


def _availability_action(request, forms: dict) -> bool:
    """Apply one POSTed change; True when done (redirect), False to show a form's errors."""
    user, action = request.user, request.POST.get("action", "")
    try:
        if action == "add_window":
            form = forms["window"] = WindowForm(request.POST, prefix="window")
            if not form.is_valid():
                return False
            services.window_add(interviewer=user, **form.cleaned_data)
            message = "Window added. Your coming slots are below."
        elif action == "add_blocked":
            form = forms["blocked"] = BlockedDateForm(request.POST, prefix="blocked")
            if not form.is_valid():
                return False
            services.blocked_date_add(interviewer=user, day=form.cleaned_data["date"])
            message = "Date blocked: no slots are offered that day."
        elif action == "delete_window":
            services.window_delete(window=window_for_user(user, request.POST.get("id")))
            message = "Window removed, and the open slots it made."
        elif action == "delete_blocked":
            services.blocked_date_delete(blocked=blocked_date_for_user(user, request.POST.get("id")))
            message = "Date unblocked."
        else:
            messages.error(request, "Unknown action.")
            return True
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    except Http404 as exc:  # a window or date that is not (or no longer) the member's
        messages.error(request, str(exc))
        return True
    messages.success(request, message)
    return True


@login_required
def availability_page(request):
    user = request.user
    forms = {"window": WindowForm(prefix="window"), "blocked": BlockedDateForm(prefix="blocked")}
    if request.method == "POST" and _availability_action(request, forms):
        return redirect("availability")
    context = {
        "window_form": forms["window"],
        "blocked_form": forms["blocked"],
        "windows": user.windows.all(),
        "blocked_dates": user.blocked_dates.filter(date__gte=timezone.localdate()),
        "preview": slots_by_day(slot_preview(interviewer=user), timezone.get_current_timezone())
        if user.is_interviewer
        else [],
    }
    return render(request, "interviews/availability.html", context)
