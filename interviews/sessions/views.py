"""Sessions on the web: find a slot and book it, my sessions, a session's page, cancel, move,
report a no-show, and the calendar feed."""

from datetime import timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.credits import HOW_TO_EARN, SESSION_PRICE
from accounts.errors import Conflict, error_text
from accounts.forms import zone_label
from accounts.models import CompanyType, Level, User
from interviews.notifications.calendar import calendar_feed
from interviews.scheduling.models import Slot
from interviews.scheduling.selectors import slots_by_day
from interviews.sessions import booking, lifecycle
from interviews.sessions.forms import CancelForm, SlotSearchForm
from interviews.sessions.hooks import hooks
from interviews.sessions.models import SessionStatus
from interviews.sessions.reliability import reliability_for
from interviews.sessions.selectors import (
    interviewer_for_member,
    interviewer_record,
    session_for_user,
    sessions_for_feed,
    sessions_for_user,
    slots_available,
)

SLOTS_PER_DAY = 12  # the best hours of each day: a week stays one screen however many publish


def _slot_search(request, form, zone: ZoneInfo | None = None):
    if not form.is_valid():
        return []
    start, end = form.bounds()
    slots = slots_available(
        candidate=request.user,
        target_level=form.cleaned_data["target_level"],
        company_type=form.cleaned_data["company_type"],
        start=start,
        end=end,
        one_per_hour=True,
    )
    days = slots_by_day(slots, zone or timezone.get_current_timezone())
    return [(day, day_slots[:SLOTS_PER_DAY]) for day, day_slots in days]


BOOKING_HORIZON = timedelta(days=28)  # slots are published this far ahead


@login_required
def find_slot(request, error: str | None = None, status: int = 200):
    """A week of open slots, days as columns, in the zone the member picks (their own by default);
    each slot leads to a review step before anything is booked."""
    form = SlotSearchForm.for_user(request.user, request.GET if request.method == "GET" else request.POST)
    context = {"form": form, "error": error, "days": [], "price": SESSION_PRICE, "how_to_earn": HOW_TO_EARN}
    if request.user.booking_paused():
        context["paused"] = booking.booking_paused_message(request.user)
    zone = ZoneInfo(form.data["zone"])  # for_user puts only a known zone there
    context["zone_label"] = zone_label(zone.key)
    if form.is_valid():
        zone = ZoneInfo(form.cleaned_data["zone"])
        first, last = form.cleaned_data["start"], form.cleaned_data["end"]
        by_day = dict(_slot_search(request, form, zone))
        today = timezone.localdate(timezone=zone)
        query = {k: form.cleaned_data[k] for k in ("target_level", "company_type", "zone")}
        week_before, week_after = first - timedelta(days=7), first + timedelta(days=7)
        context.update(
            days=[
                (first + timedelta(days=n), by_day.get(first + timedelta(days=n), []))
                for n in range((last - first).days + 1)
            ],  # fmt: skip
            earlier=urlencode({**query, "start": max(today, week_before)}) if first > today else "",
            later=urlencode({**query, "start": week_after}) if week_after <= today + BOOKING_HORIZON else "",
            review_query=urlencode(query),
            open_count=sum(len(slots) for slots in by_day.values()),
        )
    with timezone.override(zone):  # times on the page in the zone picked
        return render(request, "interviews/find_slot.html", context, status=status)


@login_required
def book_review(request, slot_id: int):
    """The step before booking: who the interviewer is, the kind of question, the time in both
    zones, then Confirm. The same rules as the booking decide whether the slot is still offered."""
    form = SlotSearchForm.for_user(request.user, request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    zone = ZoneInfo(data.get("zone") or request.user.time_zone)
    try:
        target_level, company_type = booking.target_resolve(
            request.user, data.get("target_level"), data.get("company_type")
        )
    except ValidationError as exc:  # no target given, and none on the profile yet
        messages.error(request, error_text(exc))
        return redirect("find-slot")
    slot = get_object_or_404(Slot.objects.select_related("interviewer"), pk=slot_id)
    offered = slots_available(
        candidate=request.user,
        target_level=target_level,
        company_type=company_type,
        start=slot.start,
        end=slot.start + timedelta(minutes=1),
        slot_id=slot.pk,
    )
    context = {
        "slot": slot,
        "offered": bool(offered),
        "record": interviewer_record(slot.interviewer),
        "target_level": Level(target_level),
        "company_type": CompanyType(company_type),
        "zone_name": zone.key,
        "price": SESSION_PRICE,
        "how_to_earn": HOW_TO_EARN,
        "back": urlencode(
            {
                "target_level": target_level,
                "company_type": company_type,
                "zone": zone.key,
                "start": slot.start.astimezone(zone).date(),
            }
        ),  # fmt: skip
    }
    with timezone.override(zone):
        return render(request, "interviews/book_review.html", context)


@login_required
def interviewer_profile(request, pk: int):
    """An interviewer as candidates see them: background, level, experience, sessions given, rating."""
    record = interviewer_record(interviewer_for_member(pk))
    return render(request, "interviews/interviewer_profile.html", {"record": record})


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
        return find_slot(request, error=error_text(exc), status=400)
    messages.success(request, "Booked! You will both get a confirmation. The details are below.")
    return redirect("session-detail", pk=session.pk)


@login_required
def my_sessions(request):
    """Upcoming sessions, then past and cancelled ones, a page at a time (a long history stays one
    page's work)."""
    page = Paginator(sessions_for_user(user=request.user), SESSIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    sessions = list(page.object_list)
    return render(
        request,
        "interviews/my_sessions.html",
        {
            "page": page,
            "upcoming": [s for s in sessions if s.upcoming],
            "past": [s for s in sessions if not s.upcoming],
        },
    )


@login_required
def session_detail(request, pk: int):
    session = session_for_user(request.user, pk)
    other = session.other_party(request.user)
    rubric = hooks.page_context(request.user, session)
    return render(
        request,
        "interviews/session_detail.html",
        {
            "session": session,
            "role": session.role_of(request.user),
            "other": other,
            "other_reliability": reliability_for(user_ids=[other.pk])[other.pk],
            "show_question": session.question_visible_to(request.user),
            "can_cancel": session.can_be_cancelled_by(request.user),
            # An evaluated session took place: the service refuses a no-show report, so none is offered.
            "can_report_no_show": session.can_report_no_show(request.user) and not rubric.get("evaluated"),
            "cancel_form": CancelForm(),
            **rubric,
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
            messages.error(request, error_text(exc))
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
        messages.error(request, error_text(exc))
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
            error, status = error_text(exc), 409 if isinstance(exc, Conflict) else 400
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
SESSIONS_PER_PAGE = 20


def calendar_feed_view(request, token: str):
    """A member's subscription feed: the secret token is the only credential (calendar apps cannot log in)."""
    user = get_object_or_404(User, calendar_token=token, is_active=True)
    sessions = sessions_for_feed(user=user, since=timezone.now() - timedelta(days=FEED_PAST_DAYS))
    entries = [(session, session.status == SessionStatus.CANCELLED) for session in sessions]
    response = HttpResponse(calendar_feed(entries, name="PeerLoop sessions"), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="peerloop.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
