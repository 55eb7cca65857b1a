"""Questions and sessions: one candidate, one interviewer, one question, one hour."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.errors import Conflict
from accounts.models import CompanyType, Level
from interviews.fit import LEVELS, level_index
from interviews.scheduling.models import Slot

LATE_CANCEL_WINDOW = timedelta(hours=24)
NO_SHOW_AFTER = timedelta(minutes=15)
NO_SHOW_UNTIL = timedelta(hours=48)  # after the end
# The interview room opens this long before the start and closes this long after the end.
ROOM_OPENS_BEFORE = timedelta(minutes=15)
ROOM_CLOSES_AFTER = timedelta(hours=2)


# The interview's phases, in order, with what the interviewer's guide calls them.
PHASES = {
    "clarify": "Clarify and frame",
    "data": "Data",
    "features": "Features",
    "model": "Model",
    "evaluation": "Evaluation",
    "serving": "Serving and monitoring",
    "scale": "Scale and follow-ups",
    "wrapup": "Wrap-up",
    "questions": "The candidate's questions",
}
# The follow-up families (DOMAIN.md), plus the startups' business element.
FOLLOW_UP_FAMILIES = {
    "storage": "Data storage and retrieval",
    "scale": "Scalability and performance",
    "errors": "Error handling and logging",
    "experiments": "A/B testing and experimentation",
    "business": "Business element",
}
HINT_RUNGS = ("nudge", "pointed", "guidance")


class Question(models.Model):
    """An ML system design prompt from the bank, fitted to a company type and a range of levels,
    with the interviewer's guide for the live session."""

    slug = models.SlugField(max_length=80, unique=True, help_text="Its data file's name in the bank.")
    # The data file's version this row was last loaded from: load_content updates a question only
    # when its file carries a higher one, so edits made in the admin meanwhile are kept.
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=160, unique=True)
    company_type = models.CharField(max_length=10, choices=CompanyType.choices)
    min_level = models.CharField(max_length=2, choices=Level.choices, default=Level.L3)
    max_level = models.CharField(max_length=2, choices=Level.choices, default=Level.L5)
    llm = models.BooleanField("LLM-era system", default=False)
    company_name = models.CharField(max_length=80, blank=True, help_text="Startup prompts: the company.")
    company_context = models.TextField(blank=True, help_text="Startup prompts: the company's mission.")
    prompt = models.TextField(help_text="What the interviewer reveals. No scale figures: those are facts.")
    business_element = models.TextField(
        blank=True, help_text="Startup prompts: what the design must earn, save or serve for the business."
    )
    guide = models.JSONField(
        default=dict,
        help_text="The interviewer's guide: phases (with minutes and a hint ladder), facts revealed when "
        "asked, follow_ups by family, signals per level, and the outline of the study pack.",
    )
    is_active = models.BooleanField(
        "in use", default=True, help_text="Untick to retire: never assigned again; past sessions keep it."
    )

    class Meta:
        ordering = ("company_type", "title")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_level__gte=models.F("min_level")), name="question_level_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def fits(self, *, target_level: str, company_type: str) -> bool:
        """The one rule for which questions a session may get: in use, of the target's company
        type, and asked at the target level."""
        return (
            self.is_active
            and self.company_type == company_type
            and level_index(self.min_level) <= level_index(target_level) <= level_index(self.max_level)
        )

    def phases(self) -> list[dict]:
        """The guide's phases with their names and hint ladders as (rung, text) pairs."""
        return [
            {
                **phase,
                "name": PHASES.get(phase["key"], phase["key"]),
                "ladder": [next(iter(hint.items())) for hint in phase.get("hints", [])],
            }
            for phase in self.guide.get("phases", [])
        ]

    def facts(self) -> list[dict]:
        return self.guide.get("facts", [])

    def follow_ups_by_family(self) -> list[tuple[str, list[str]]]:
        families: dict[str, list[str]] = {}
        for item in self.guide.get("follow_ups", []):
            families.setdefault(item["family"], []).append(item["question"])
        return [(label, families[key]) for key, label in FOLLOW_UP_FAMILIES.items() if key in families]

    def signals_by_level(self, levels: list[str] | None = None) -> list[tuple[str, list[str]]]:
        """What a strong answer shows at each level (or only at `levels`), in level order."""
        signals = self.guide.get("signals", {})
        return [
            (label, signals[value])
            for value, label in Level.choices
            if value in signals and (levels is None or value in levels)
        ]

    def outline(self) -> list[str]:
        return self.guide.get("outline", [])


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


# A session in one of these holds its slot and its people's time.
ACTIVE_STATUSES = (SessionStatus.SCHEDULED, SessionStatus.COMPLETED, SessionStatus.NO_SHOW)


def new_room_name() -> str:
    return f"PeerLoop-{secrets.token_urlsafe(18)}"


class Session(models.Model):
    """One mock interview: one candidate, one interviewer, one question, one hour."""

    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions_as_candidate"
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions_as_interviewer"
    )
    slot = models.ForeignKey(Slot, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions")
    start = models.DateTimeField()
    end = models.DateTimeField()
    target_level = models.CharField(max_length=2, choices=Level.choices)
    company_type = models.CharField(max_length=10, choices=CompanyType.choices)
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="sessions")
    room_name = models.CharField(max_length=64, unique=True, default=new_room_name)
    status = models.CharField(max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    # Bumped on every reschedule: calendar invites carry it as SEQUENCE.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # When the current time was set (booked, or last moved): a reminder whose moment came before
    # it is not owed (interviews.sessions.messages).
    scheduled_at = models.DateTimeField(default=timezone.now)

    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    late_cancellation = models.BooleanField(default=False)
    no_show_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("start",)
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=models.Q(status__in=ACTIVE_STATUSES),
                name="one_active_session_per_slot",
            ),
            models.CheckConstraint(
                condition=~models.Q(candidate=models.F("interviewer")), name="session_between_two_people"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="session_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["interviewer", "start"]),
            models.Index(fields=["candidate", "start"]),
            models.Index(fields=["status", "end"]),
            models.Index(
                fields=["start"],
                condition=models.Q(status=SessionStatus.SCHEDULED),
                name="session_scheduled_by_start",
            ),
        ]
        # PostgreSQL also has exclusion constraints against overlapping active sessions
        # of one interviewer and of one candidate: see migration 0002.

    def __str__(self) -> str:
        return f"{self.candidate} with {self.interviewer}, {self.start:%Y-%m-%d %H:%M} UTC"

    def get_absolute_url(self) -> str:
        return reverse("session-detail", args=[self.pk])

    @property
    def site_url(self) -> str:
        """The session page as a full address, for e-mails and calendar entries."""
        return f"{settings.SITE_URL}{self.get_absolute_url()}"

    @property
    def video_url(self) -> str:
        return f"{settings.VIDEO_BASE_URL.rstrip('/')}/{self.room_name}"

    def role_of(self, user) -> str | None:
        if user.pk == self.candidate_id:
            return "candidate"
        if user.pk == self.interviewer_id:
            return "interviewer"
        return None

    def study_levels(self) -> tuple[str, ...]:
        """The levels a study pack shows signals for: the target and the one above it, if any."""
        return LEVELS[level_index(self.target_level) :][:2]

    def other_party(self, user):
        return self.interviewer if user.pk == self.candidate_id else self.candidate

    def has_started(self, now=None) -> bool:
        return (now or timezone.now()) >= self.start

    @property
    def room_url(self) -> str:
        """The interview room as a full address, for e-mails."""
        return f"{settings.SITE_URL}{reverse('session-room', args=[self.pk])}"

    def room_is_open(self, now=None) -> bool:
        """The room is open to the two people from 15 minutes before the start until 2 hours after
        the end; a cancelled session (or a no-show) has none."""
        now = now or timezone.now()
        return (
            self.status in (SessionStatus.SCHEDULED, SessionStatus.COMPLETED)
            and self.start - ROOM_OPENS_BEFORE <= now < self.end + ROOM_CLOSES_AFTER
        )

    def question_visible_to(self, user, now=None) -> bool:
        """The interviewer prepares with the question; the candidate meets it in the session."""
        if user.pk == self.interviewer_id:
            return True
        return (
            user.pk == self.candidate_id and self.has_started(now) and self.status != SessionStatus.CANCELLED
        )

    def ensure_changeable(self, now=None) -> None:
        """Cancel and reschedule apply only to a scheduled session that has not started."""
        if self.status == SessionStatus.CANCELLED:
            raise Conflict("This session was cancelled.")
        if self.status != SessionStatus.SCHEDULED or self.has_started(now):
            raise Conflict("This session has already started.")

    def let_the_candidate_down(self) -> bool:
        """The interviewer cancelled or did not come (as the candidate reported): the candidate is
        refunded and their match requests go first in the next round."""
        return (self.status == SessionStatus.CANCELLED and self.cancelled_by_id == self.interviewer_id) or (
            self.status == SessionStatus.NO_SHOW and self.no_show_reported_by_id == self.candidate_id
        )

    def can_be_cancelled_by(self, user, now=None) -> bool:
        return (
            self.role_of(user) is not None
            and self.status == SessionStatus.SCHEDULED
            and not self.has_started(now)
        )

    def can_be_rescheduled_by(self, user, now=None) -> bool:
        return user.pk == self.candidate_id and self.can_be_cancelled_by(user, now)

    def can_report_no_show(self, user, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.role_of(user) is not None
            and self.status in (SessionStatus.SCHEDULED, SessionStatus.COMPLETED)
            and self.start + NO_SHOW_AFTER <= now <= self.end + NO_SHOW_UNTIL
        )
