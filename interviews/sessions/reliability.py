"""Reliability: how often a member held the sessions they booked or took, over the last 90 days.

Counted over sessions that started in the window, in either role: held (completed), late
cancellations they made (under 24 hours before), and no-shows (the other side reported them).
Cancelling in good time counts neither way. The figure is a whole percentage, so "less reliable"
means the same thing to the slot ranking, the matcher's cost and the sentence people read.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Max, Q
from django.utils import timezone

from accounts.sql import id_set
from interviews.sessions.models import Session, SessionStatus

WINDOW = timedelta(days=90)
PAUSE_AFTER_NO_SHOWS = 2  # no-shows within the window that pause booking
PAUSE_FOR = timedelta(days=14)  # from the latest of them
NO_RECORD_PERCENT = 90  # how a member with no sessions in the window is ranked and costed
RELIABLE_ENOUGH = 80  # find-a-slot ranks interviewers below this after the others of the same fit


@dataclass(frozen=True)
class Reliability:
    held: int = 0
    late: int = 0
    no_shows: int = 0
    last_no_show: datetime | None = None

    @property
    def counted(self) -> int:
        return self.held + self.late + self.no_shows

    @property
    def percent(self) -> int | None:
        """Sessions held as a whole percentage of those counted; None without any."""
        return round(100 * self.held / self.counted) if self.counted else None

    @property
    def ranking_percent(self) -> int:
        return NO_RECORD_PERCENT if self.percent is None else self.percent

    @property
    def sentence(self) -> str:
        """What both sides read, e.g. "Held 9 of 10 sessions in the last 90 days (1 no-show)."."""
        if not self.counted:
            return "No sessions in the last 90 days yet."
        missed = []
        if self.late:
            missed.append(f"{self.late} late cancellation{'s' if self.late != 1 else ''}")
        if self.no_shows:
            missed.append(f"{self.no_shows} no-show{'s' if self.no_shows != 1 else ''}")
        detail = f" ({', '.join(missed)})" if missed else ""
        sessions = "session" if self.counted == 1 else "sessions"
        return f"Held {self.held} of {self.counted} {sessions} in the last 90 days{detail}."

    def pause_until(self) -> datetime | None:
        """Repeated no-shows pause booking until this time (None: no pause owed)."""
        if self.no_shows >= PAUSE_AFTER_NO_SHOWS and self.last_no_show is not None:
            return self.last_no_show + PAUSE_FOR
        return None


def _per_role(role: str, other: str, ids, since, now):
    missed = Q(status=SessionStatus.NO_SHOW, no_show_reported_by_id=F(f"{other}_id"))
    return (
        Session.objects.filter(**{f"{role}_id__in": id_set(ids)}, start__gte=since, start__lt=now)
        .order_by()
        .values(person=F(f"{role}_id"))
        .annotate(
            held=Count("pk", filter=Q(status=SessionStatus.COMPLETED)),
            late=Count(
                "pk",
                filter=Q(
                    status=SessionStatus.CANCELLED, late_cancellation=True, cancelled_by_id=F(f"{role}_id")
                ),
            ),
            no_shows=Count("pk", filter=missed),
            last_no_show=Max("start", filter=missed),
        )
    )


def reliability_for(*, user_ids, now: datetime | None = None) -> dict[int, Reliability]:
    """{member id: Reliability} for these members over the last 90 days: one query."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    now = now or timezone.now()
    since = now - WINDOW
    rows = _per_role("interviewer", "candidate", ids, since, now).union(
        _per_role("candidate", "interviewer", ids, since, now), all=True
    )
    found: dict[int, Reliability] = {}
    for row in rows:
        before = found.get(row["person"], Reliability())
        lasts = [d for d in (before.last_no_show, row["last_no_show"]) if d is not None]
        found[row["person"]] = Reliability(
            held=before.held + row["held"],
            late=before.late + row["late"],
            no_shows=before.no_shows + row["no_shows"],
            last_no_show=max(lasts) if lasts else None,
        )
    return {pk: found.get(pk, Reliability()) for pk in ids}
