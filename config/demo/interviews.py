"""Demo availability and sessions for `manage.py seed_demo`. Idempotent."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from interviews.matching.models import MatchRequest
from interviews.matching.services import match_request_create
from interviews.scheduling.models import AvailabilityWindow, Weekday
from interviews.scheduling.services import slots_generate
from interviews.sessions.booking import question_assign, session_book
from interviews.sessions.models import Session, SessionStatus
from interviews.sessions.selectors import slots_available

WINDOWS = {
    "ivan@example.com": [(day, time(17, 0), time(20, 0)) for day in range(Weekday.MONDAY, Weekday.SATURDAY)]
    + [(Weekday.SATURDAY, time(10, 0), time(13, 0))],
    "lena@example.com": [(day, time(8, 0), time(11, 0)) for day in (Weekday.TUESDAY, Weekday.THURSDAY)]
    + [(Weekday.SUNDAY, time(9, 0), time(12, 0))],
}

# (candidate, interviewer, days ago): cara has history (the last one still waiting for
# ivan's rubric); sam has one past session.
PAST = [
    ("cara@example.com", "ivan@example.com", 21),
    ("cara@example.com", "ivan@example.com", 14),
    ("cara@example.com", "ivan@example.com", 7),
    ("cara@example.com", "ivan@example.com", 1),
    ("sam@example.com", "ivan@example.com", 10),
]


def seed_interviews(users: dict[str, User]) -> None:
    for email, windows in WINDOWS.items():
        interviewer = users[email]
        for weekday, start, end in windows:
            AvailabilityWindow.objects.get_or_create(
                interviewer=interviewer, weekday=weekday, start_time=start, end_time=end
            )
        slots_generate(interviewer=interviewer)
    _seed_past_sessions(users)
    for email in ("cara@example.com", "sam@example.com"):
        _seed_upcoming_session(users[email])
    _seed_session_in_the_room(users["cara@example.com"], users["ivan@example.com"])
    _seed_match_request(users["sam@example.com"])


def _seed_past_sessions(users: dict[str, User]) -> None:
    now = timezone.now()
    anchor = now.replace(hour=16, minute=0, second=0, microsecond=0)
    for candidate_email in dict.fromkeys(c for c, _, _ in PAST):
        candidate = users[candidate_email]
        if Session.objects.filter(candidate=candidate, start__lt=now).exists():
            continue
        for _, interviewer_email, days_ago in (row for row in PAST if row[0] == candidate_email):
            start = anchor - timedelta(days=days_ago)
            _session(
                candidate,
                users[interviewer_email],
                start,
                status=SessionStatus.COMPLETED,
                created_at=start - timedelta(days=3),
            )


def _session(candidate: User, interviewer: User, start, **fields) -> Session:
    """A demo session outside any slot, for the candidate's own target, with a question that fits."""
    target = {"target_level": candidate.target_level, "company_type": candidate.target_company_type}
    return Session.objects.create(
        candidate=candidate,
        interviewer=interviewer,
        start=start,
        end=start + timedelta(hours=1),
        question=question_assign(candidate=candidate, **target),
        **target,
        **fields,
    )


def _seed_upcoming_session(candidate: User) -> None:
    if Session.objects.filter(
        candidate=candidate, status=SessionStatus.SCHEDULED, start__gt=timezone.now()
    ).exists():
        return
    now = timezone.now()
    offers = slots_available(
        candidate=candidate,
        target_level=candidate.target_level,
        company_type=candidate.target_company_type,
        start=now + timedelta(days=1),
        end=now + timedelta(days=14),
    )
    if offers:
        session_book(candidate=candidate, slot_id=offers[0].pk)


def _seed_session_in_the_room(candidate: User, interviewer: User) -> None:
    """A session of cara's with ivan starting in ten minutes, so the interview room is open to
    try (sign in as each in two browsers). A new one each run once the last is over."""
    now = timezone.now()
    people = Q(candidate__in=[candidate, interviewer]) | Q(interviewer__in=[candidate, interviewer])
    soon = now.replace(second=0, microsecond=0) + timedelta(minutes=10)
    busy = Session.objects.filter(
        people, status=SessionStatus.SCHEDULED, end__gt=now, start__lt=soon + timedelta(hours=1)
    )
    if busy.exists():
        return
    _session(candidate, interviewer, soon)


def _seed_match_request(sam: User) -> None:
    """An open request of sam's (L5+ startup) around ivan's Saturday window, for the first round."""
    if MatchRequest.objects.filter(candidate=sam).exists():
        return
    tz = ZoneInfo(sam.time_zone)
    today = timezone.now().astimezone(tz).date()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    start = datetime.combine(saturday, time(8, 0), tzinfo=tz)
    match_request_create(
        candidate=sam, windows=[(start, start + timedelta(hours=5))], note="Happy with any startup-savvy L5+."
    )
