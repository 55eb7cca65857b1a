"""Reads of availability and slots."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import FloatField, Func
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from interviews.scheduling.hooks import hooks
from interviews.scheduling.models import AvailabilityWindow, BlockedDate, Slot


class Epoch(Func):
    """A datetime column as seconds since 1970 (a float, to the microsecond): a round reads
    hundreds of thousands of slot times, and a number costs a fraction of a datetime to load."""

    output_field = FloatField()
    template = "EXTRACT(EPOCH FROM %(expressions)s)::float8"

    @property
    def convert_value(self):
        return self._convert_value_noop  # a float from either database: no float() per value

    def as_sqlite(self, compiler, connection, **extra_context):
        # Stored as UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]": whole seconds, then the fraction.
        column, params = compiler.compile(self.source_expressions[0])
        seconds = f"CAST(strftime('%%s', substr({column}, 1, 19)) AS REAL)"
        sql = f"({seconds} + CAST('0' || substr({column}, 20) AS REAL))"
        return sql, params * 2


class Moments(dict):
    """UTC datetimes by Epoch value, each distinct one made once (slots share their hours)."""

    def __missing__(self, epoch: float) -> datetime:
        self[epoch] = moment = datetime.fromtimestamp(epoch, UTC)
        return moment


def window_for_user(user: User, pk) -> AvailabilityWindow:
    """The member's own availability window; 404 for everyone else."""
    try:
        return AvailabilityWindow.objects.select_related("interviewer").get(pk=pk, interviewer=user)
    except (AvailabilityWindow.DoesNotExist, ValueError, TypeError):
        raise Http404("That window does not exist.") from None


def blocked_date_for_user(user: User, pk) -> BlockedDate:
    """The member's own blocked date; 404 for everyone else."""
    try:
        return BlockedDate.objects.select_related("interviewer").get(pk=pk, interviewer=user)
    except (BlockedDate.DoesNotExist, ValueError, TypeError):
        raise Http404("That blocked date does not exist.") from None


def slot_preview(*, interviewer: User, days: int = 14, now: datetime | None = None) -> list[Slot]:
    """The interviewer's own coming slots, each with `session` set when it is booked."""
    now = now or timezone.now()
    slots = list(
        Slot.objects.filter(interviewer=interviewer, start__gte=now, start__lt=now + timedelta(days=days))
        .filter(is_withdrawn=False)
        .order_by("start")
    )
    booked = hooks.sessions_holding([slot.pk for slot in slots])
    for slot in slots:
        slot.session = booked.get(slot.pk)
    return slots


def slots_by_day(slots: list[Slot], tz: ZoneInfo) -> list[tuple[date, list[Slot]]]:
    """Group slots by local day, days in order, keeping the given order within a day."""
    days: dict = {}
    for slot in slots:
        days.setdefault(slot.start.astimezone(tz).date(), []).append(slot)
    return sorted(days.items())
