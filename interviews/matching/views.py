"""Request a match: the page where candidates give windows and follow their requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.errors import Conflict, error_text
from interviews.matching import services
from interviews.matching.forms import MatchRequestForm
from interviews.matching.selectors import match_request_for_user, match_requests_for_user


@login_required
def match_requests_page(request):
    """Request a match (windows in the member's own zone) and follow earlier requests."""
    user = request.user
    form = MatchRequestForm(
        request.POST or None,
        initial={"target_level": user.target_level, "company_type": user.target_company_type},
    )
    if request.method == "POST" and form.is_valid():
        windows = form.windows(timezone.get_current_timezone())
        if form.is_valid():
            try:
                services.match_request_create(
                    candidate=user,
                    windows=windows,
                    target_level=form.cleaned_data["target_level"],
                    company_type=form.cleaned_data["company_type"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request, "Request sent. Matching rounds run every few minutes; we e-mail you the match."
                )
                return redirect("match-requests")
    return render(
        request,
        "interviews/match_requests.html",
        {"form": form, "requests": match_requests_for_user(user=user)},
    )


@login_required
@require_POST
def match_request_cancel(request, pk: int):
    match_request = match_request_for_user(request.user, pk)
    try:
        services.match_request_cancel(request=match_request, by=request.user)
    except (ValidationError, Conflict) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "Request cancelled.")
    return redirect("match-requests")
