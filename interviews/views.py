from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from config.errors import Conflict
from interviews.calendar import calendar_feed
from interviews.forms import BlockedDateForm, CancelForm, MatchRequestForm, SlotSearchForm, WindowForm
from interviews.models import SessionStatus
from interviews.selectors import (
    match_request_for_user,
    match_requests_for_user,
    session_for_user,
    sessions_for_feed,
    sessions_for_user,
    slot_preview,
    slots_available,
    slots_by_day,
)
from interviews.services import availability, booking, lifecycle, matching
from rubrics.forms import RatingForm
from rubrics.models import EVALUATION_DUE_AFTER, InterviewerRating
from rubrics.selectors import evaluation_for_user


def _error_text(exc: ValidationError | Conflict) -> str:
    return exc.message if isinstance(exc, Conflict) else " ".join(exc.messages)


def _local_day_bounds(start_day, end_day) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start_day, time.min, tzinfo=zone),
        datetime.combine(end_day + timedelta(days=1), time.min, tzinfo=zone),
    )


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _availability_action(request, forms: dict) -> bool:
    """Apply one POSTed change; True when done (redirect), False to show a form's errors."""
    user, action = request.user, request.POST.get("action", "")
    try:
        if action == "add_window":
            form = forms["window"] = WindowForm(request.POST, prefix="window")
            if not form.is_valid():
                return False
            availability.window_add(interviewer=user, **form.cleaned_data)
            message = "Window added. Your coming slots are below."
        elif action == "add_blocked":
            form = forms["blocked"] = BlockedDateForm(request.POST, prefix="blocked")
            if not form.is_valid():
                return False
            availability.blocked_date_add(interviewer=user, day=form.cleaned_data["date"])
            message = "Date blocked: no slots are offered that day."
        elif action == "delete_window":
            availability.window_delete(interviewer=user, window_id=_int_or_none(request.POST.get("id")))
            message = "Window removed, and the open slots it made."
        elif action == "delete_blocked":
            availability.blocked_date_delete(
                interviewer=user, blocked_id=_int_or_none(request.POST.get("id"))
            )
            message = "Date unblocked."
        else:
            messages.error(request, "Unknown action.")
            return True
    except ValidationError as exc:
        if action.startswith("add_"):
            form.add_error(None, exc)
            return False
        messages.error(request, _error_text(exc))
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


def _slot_search(request, form):
    if not form.is_valid():
        return []
    start, end = _local_day_bounds(form.cleaned_data["start"], form.cleaned_data["end"])
    slots = slots_available(
        candidate=request.user,
        target_level=form.cleaned_data["target_level"],
        company_type=form.cleaned_data["company_type"],
        start=start,
        end=end,
    )
    return slots_by_day(slots, timezone.get_current_timezone())


@login_required
def find_slot(request, error: str | None = None, status: int = 200):
    form = SlotSearchForm.for_user(request.user, request.GET if request.method == "GET" else request.POST)
    days = _slot_search(request, form)
    return render(
        request, "interviews/find_slot.html", {"form": form, "days": days, "error": error}, status=status
    )


@login_required
@require_POST
def book(request):
    try:
        session = booking.session_book(
            candidate=request.user,
            slot_id=request.POST.get("slot"),
            target_level=request.POST.get("target_level") or None,
            company_type=request.POST.get("company_type") or None,
        )
    except Conflict as exc:
        return find_slot(request, error=exc.message, status=409)
    except ValidationError as exc:
        return find_slot(request, error=_error_text(exc), status=400)
    messages.success(request, "Booked! You will both get a confirmation. The details are below.")
    return redirect("session-detail", pk=session.pk)


@login_required
def my_sessions(request):
    upcoming, past = sessions_for_user(user=request.user)
    return render(request, "interviews/my_sessions.html", {"upcoming": upcoming, "past": past})


@login_required
def session_detail(request, pk: int):
    session = session_for_user(request.user, pk)
    return render(
        request,
        "interviews/session_detail.html",
        {
            "session": session,
            "role": session.role_of(request.user),
            "other": session.other_party(request.user),
            "show_question": session.question_visible_to(request.user),
            "can_cancel": session.can_be_cancelled_by(request.user),
            "can_report_no_show": session.can_report_no_show(request.user),
            "evaluation": evaluation_for_user(request.user, session),
            "rating": InterviewerRating.objects.filter(session=session).first(),
            "rating_form": RatingForm(),
            "rubric_open": session.has_started()
            and session.status in (SessionStatus.SCHEDULED, SessionStatus.COMPLETED),
            "rubric_due": session.end + EVALUATION_DUE_AFTER,
            "rubric_overdue": timezone.now() > session.end + EVALUATION_DUE_AFTER,
            "cancel_form": CancelForm(),
        },
    )


@login_required
@require_POST
def session_cancel(request, pk: int):
    session = session_for_user(request.user, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            lifecycle.session_cancel(session=session, by=request.user, reason=form.cleaned_data["reason"])
        except (ValidationError, Conflict) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, "Session cancelled. The other person is told why.")
    else:
        messages.error(request, " ".join(form.errors["reason"]))
    return redirect("session-detail", pk=pk)


@login_required
@require_POST
def session_no_show(request, pk: int):
    session = session_for_user(request.user, pk)
    try:
        lifecycle.session_report_no_show(session=session, by=request.user)
    except (ValidationError, Conflict) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "Thanks: the no-show is recorded.")
    return redirect("session-detail", pk=pk)


@login_required
def session_reschedule(request, pk: int):
    session = session_for_user(request.user, pk)
    error, status = None, 200
    if request.method == "POST":
        try:
            booking.session_reschedule(
                session=session, candidate=request.user, slot_id=request.POST.get("slot")
            )
        except (ValidationError, Conflict) as exc:
            error, status = _error_text(exc), 409 if isinstance(exc, Conflict) else 400
        else:
            messages.success(request, "Session moved. Both of you get the new time.")
            return redirect("session-detail", pk=pk)
    if not session.can_be_rescheduled_by(request.user):
        messages.error(request, "Only the candidate can move a session that has not started.")
        return redirect("session-detail", pk=pk)
    form = SlotSearchForm.for_user(
        request.user,
        {"target_level": session.target_level, "company_type": session.company_type, **request.GET.dict()},
    )
    return render(
        request,
        "interviews/reschedule.html",
        {"session": session, "form": form, "days": _slot_search(request, form), "error": error},
        status=status,
    )


FEED_PAST_DAYS = 30


def calendar_feed_view(request, token: str):
    """A member's subscription feed: the secret token is the only credential (calendar apps cannot log in)."""
    user = get_object_or_404(User, calendar_token=token, is_active=True)
    sessions = sessions_for_feed(user=user, since=timezone.now() - timedelta(days=FEED_PAST_DAYS))
    response = HttpResponse(calendar_feed(sessions, name="PeerLoop sessions"), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="peerloop.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


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
                matching.match_request_create(
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
        matching.match_request_cancel(request=match_request, by=request.user)
    except (ValidationError, Conflict) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "Request cancelled.")
    return redirect("match-requests")
