"""Interviewers' weekly windows and blocked dates, and the bookable slots made from them."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from interviews.fit import taking_interviews
from interviews.scheduling.hooks import hooks
from interviews.scheduling.models import (
    MIN_NOTICE,
    SESSION_LENGTH,
    AvailabilityWindow,
    BlockedDate,
    Slot,
    Weekday,
)
from interviews.scheduling.timeslots import slot_starts

HORIZON_DAYS = 28


def _require_interviewer(user: User) -> None:
    if not user.is_interviewer:
        raise ValidationError("Opt in as an interviewer on your profile first.", code="not_interviewer")


def window_add(*, interviewer: User, weekday: int, start_time: time, end_time: time) -> AvailabilityWindow:
    """Add a weekly window of at least one session, not overlapping another on the same day."""
    _require_interviewer(interviewer)
    if weekday not in Weekday.values:
        raise ValidationError({"weekday": "Choose a day of the week."})
    if end_time <= start_time:
        raise ValidationError({"end_time": "The window must end after it starts (same day)."})
    length = datetime.combine(date.min, end_time) - datetime.combine(date.min, start_time)
    if length < SESSION_LENGTH:
        raise ValidationError({"end_time": "A window must fit at least one 60-minute session."})
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=interviewer.pk).first()  # one change at a time
        clash = AvailabilityWindow.objects.filter(
            interviewer=interviewer, weekday=weekday, start_time__lt=end_time, end_time__gt=start_time
        ).first()
        if clash:
            raise ValidationError(f"This overlaps your {clash} window.", code="window_overlap")
        window = AvailabilityWindow.objects.create(
            interviewer=interviewer, weekday=weekday, start_time=start_time, end_time=end_time
        )
        slots_generate(interviewer=interviewer)
    return window


def window_delete(*, window: AvailabilityWindow) -> None:
    """Remove a window (reached through window_for_user) and the open slots it made."""
    with transaction.atomic():
        window.delete()
        slots_generate(interviewer=window.interviewer)


def blocked_date_add(*, interviewer: User, day: date) -> BlockedDate:
    """Block a date in the interviewer's zone, from today to a year ahead. Booked sessions on it
    stay: cancel them separately."""
    _require_interviewer(interviewer)
    today = timezone.now().astimezone(ZoneInfo(interviewer.time_zone)).date()
    if day < today:
        raise ValidationError({"date": "That date has passed."})
    if day > today + timedelta(days=366):
        raise ValidationError({"date": "Block dates at most a year ahead."})
    with transaction.atomic():
        blocked, _ = BlockedDate.objects.get_or_create(interviewer=interviewer, date=day)
        slots_generate(interviewer=interviewer)
    return blocked


def blocked_date_delete(*, blocked: BlockedDate) -> None:
    """Unblock a date (reached through blocked_date_for_user): its slots come back."""
    with transaction.atomic():
        blocked.delete()
        slots_generate(interviewer=blocked.interviewer)


def slots_generate(*, interviewer: User, now: datetime | None = None) -> tuple[int, int]:
    """Make the interviewer's open slots match their availability for the coming 4 weeks.

    Idempotent. Creates missing slots (none in the past or within the 2-hour notice), removes
    open slots no longer covered and past ones never booked, and never touches a booked slot.
    Returns (created, removed).
    """
    now = now or timezone.now()
    tz = ZoneInfo(interviewer.time_zone)
    earliest = now + MIN_NOTICE
    if interviewer.is_interviewer and interviewer.is_active:
        windows = interviewer.windows.values_list("weekday", "start_time", "end_time")
        blocked = set(interviewer.blocked_dates.values_list("date", flat=True))
        starts = slot_starts(
            windows=windows, blocked=blocked, tz=tz, first_day=now.astimezone(tz).date(), days=HORIZON_DAYS
        )
        wanted = {start for start in starts if start >= earliest}
    else:
        wanted = set()

    with transaction.atomic():
        existing = dict(
            Slot.objects.filter(interviewer=interviewer, start__gte=earliest).values_list("start", "pk")
        )
        created = Slot.objects.bulk_create(
            [Slot.of(interviewer, start) for start in wanted - existing.keys()],
            ignore_conflicts=True,
        )
        stale = [pk for start, pk in existing.items() if start not in wanted]
        long_past = Q(end__lt=now - timedelta(days=1))
        removed, _ = (
            Slot.objects.filter(Q(pk__in=stale) | long_past, interviewer=interviewer)
            .exclude(hooks.slot_booked())
            .delete()
        )
    return len(created), removed


def slots_follow_profile(user: User, fields: set[str]) -> None:
    """A member's profile changed: slots are wall-clock hours in the interviewer's zone, and opting
    out (or being deactivated) withdraws the open ones, so a change of any regenerates them; every
    slot carries the interviewer's level and experience."""
    if {"interviewer_level", "company_experience"} & fields:
        Slot.objects.filter(interviewer=user).update(
            interviewer_level=user.interviewer_level, company_experience=user.company_experience
        )
    if {"is_interviewer", "time_zone", "is_active"} & fields:
        slots_generate(interviewer=user)


def slots_generate_all(*, now: datetime | None = None) -> int:
    """The daily run: every interviewer's slots, rolled forward one more day."""
    count = 0
    for interviewer in User.objects.filter(taking_interviews()).iterator():
        slots_generate(interviewer=interviewer, now=now)
        count += 1
    return count
