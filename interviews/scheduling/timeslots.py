"""Calendar arithmetic in people's own time zones: pure functions, no database."""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from interviews.scheduling.models import SESSION_LENGTH


def _exists(naive: datetime, tz: ZoneInfo) -> bool:
    """False for a wall-clock time skipped by a daylight-saving jump (e.g. 02:30 on spring-forward day)."""
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive


def slot_starts(
    *,
    windows: Iterable[tuple[int, time, time]],
    blocked: set[date],
    tz: ZoneInfo,
    first_day: date,
    days: int,
) -> list[datetime]:
    """UTC starts of the whole hours that fit inside weekly (weekday, start, end) windows.

    Windows are wall-clock times in `tz`, so a 09:00 window stays 09:00 local on both sides of
    a daylight-saving change. An hour that does not exist locally is skipped; an hour that
    happens twice (fall-back) is taken once, at its first occurrence.
    """
    windows = list(windows)
    starts = set()
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if day in blocked:
            continue
        for weekday, start, end in windows:
            if weekday != day.weekday():
                continue
            cursor = datetime.combine(day, start)
            last = datetime.combine(day, end) - SESSION_LENGTH
            while cursor <= last:
                if _exists(cursor, tz):
                    starts.add(cursor.replace(tzinfo=tz, fold=0).astimezone(UTC))
                cursor += SESSION_LENGTH
    return sorted(starts)


def week_bounds(moment: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC bounds of the local Monday-to-Monday week that contains `moment`."""
    local = moment.astimezone(tz)
    monday = local.date() - timedelta(days=local.weekday())
    start = datetime.combine(monday, time.min).replace(tzinfo=tz)
    end = datetime.combine(monday + timedelta(days=7), time.min).replace(tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def week_key(moment: datetime, tz: ZoneInfo) -> tuple[int, int]:
    iso = moment.astimezone(tz).isocalendar()
    return iso.year, iso.week
