import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.models import CompanyType, Level
from config.errors import Conflict

SESSION_LENGTH = timedelta(minutes=60)
MIN_NOTICE = timedelta(hours=2)
LATE_CANCEL_WINDOW = timedelta(hours=24)
NO_SHOW_AFTER = timedelta(minutes=15)
NO_SHOW_UNTIL = timedelta(hours=48)  # after the end
JOIN_OPENS_BEFORE = timedelta(minutes=10)


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class AvailabilityWindow(models.Model):
    """A weekly recurring window, in the interviewer's own time zone."""

    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="windows"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("weekday", "start_time")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")), name="window_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class BlockedDate(models.Model):
    """A date (in the interviewer's zone) with no slots, whatever the weekly windows say."""

    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocked_dates"
    )
    date = models.DateField()

    class Meta:
        ordering = ("date",)
        constraints = [models.UniqueConstraint(fields=["interviewer", "date"], name="blocked_date_once")]

    def __str__(self) -> str:
        return f"{self.date:%a %d %b %Y}"


class Slot(models.Model):
    """A concrete bookable hour, stored in UTC. Open while it has no active session."""

    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="slots")
    start = models.DateTimeField()
    end = models.DateTimeField()
    # The interviewer cancelled a session in it: not offered again.
    is_withdrawn = models.BooleanField(default=False)

    class Meta:
        ordering = ("start",)
        constraints = [models.UniqueConstraint(fields=["interviewer", "start"], name="slot_once_per_start")]
        indexes = [models.Index(fields=["start", "interviewer"])]

    def __str__(self) -> str:
        return f"{self.interviewer} at {self.start:%Y-%m-%d %H:%M} UTC"


class Question(models.Model):
    """An ML system design prompt from the bank, fitted to a company type and a range of levels."""

    title = models.CharField(max_length=160, unique=True)
    company_type = models.CharField(max_length=10, choices=CompanyType.choices)
    min_level = models.CharField(max_length=2, choices=Level.choices, default=Level.L3)
    max_level = models.CharField(max_length=2, choices=Level.choices, default=Level.L5)
    company_context = models.TextField(
        blank=True, help_text="For startup prompts: the company and its mission the design must serve."
    )
    prompt = models.TextField()
    follow_ups = models.JSONField(
        default=list,
        help_text='A list of {"family": ..., "question": ...}: scale, storage, errors, experiments.',
    )
    expectations = models.JSONField(
        default=dict, help_text='What each level should cover: {"L3": ..., "L4": ..., "L5": ...}.'
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("company_type", "title")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_level__gte=models.F("min_level")), name="question_level_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def expectations_by_level(self) -> list[tuple[str, str]]:
        return [
            (label, self.expectations[value]) for value, label in Level.choices if value in self.expectations
        ]


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

    def other_party(self, user):
        return self.interviewer if user.pk == self.candidate_id else self.candidate

    def has_started(self, now=None) -> bool:
        return (now or timezone.now()) >= self.start

    def can_join(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == SessionStatus.SCHEDULED and self.start - JOIN_OPENS_BEFORE <= now < self.end

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


class MatchRequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for a match"
    MATCHED = "matched", "Matched"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


MAX_OPEN_REQUESTS = 3
MAX_WINDOWS = 5


class MatchRequest(models.Model):
    """A candidate's ask: find me a fitting interviewer inside one of these windows."""

    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="match_requests"
    )
    target_level = models.CharField(max_length=2, choices=Level.choices)
    company_type = models.CharField(max_length=10, choices=CompanyType.choices)
    note = models.TextField(blank=True, max_length=500)
    status = models.CharField(
        max_length=10, choices=MatchRequestStatus.choices, default=MatchRequestStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    session = models.OneToOneField(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="match_request"
    )
    # Why this pair was chosen: the cost terms of the match (for staff).
    match_costs = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.candidate} wants {self.get_target_level_display()} {self.get_company_type_display()}"


class MatchWindow(models.Model):
    request = models.ForeignKey(MatchRequest, on_delete=models.CASCADE, related_name="windows")
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ("start",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="match_window_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} UTC"


class RoundLease(models.Model):
    """One row: a matching round holds it until `held_until`, so rounds never overlap."""

    held_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"matching round lease until {self.held_until}"


class MessageKind(models.TextChoices):
    BOOKING_CONFIRMATION = "booking_confirmation", "Booking confirmation"
    CANCELLATION = "cancellation", "Cancellation"
    RESCHEDULE = "reschedule", "Reschedule"
    REMINDER_24H = "reminder_24h", "Reminder, 24 hours before"
    REMINDER_1H = "reminder_1h", "Reminder, 1 hour before"
    RUBRIC_DUE = "rubric_due", "Rubric due (interviewer)"
    RUBRIC_OVERDUE = "rubric_overdue", "Rubric overdue (interviewer)"
    FEEDBACK_READY = "feedback_ready", "Feedback ready (candidate)"
    MATCH_FOUND = "match_found", "Match found (candidate)"
    REQUEST_EXPIRED = "request_expired", "Match request expired (candidate)"


REMINDERS = {MessageKind.REMINDER_24H: timedelta(hours=24), MessageKind.REMINDER_1H: timedelta(hours=1)}
# These carry the calendar invite (.ics): METHOD:REQUEST, or METHOD:CANCEL for a cancellation.
INVITE_KINDS = (MessageKind.BOOKING_CONFIRMATION, MessageKind.RESCHEDULE, MessageKind.CANCELLATION)


class OutboxMessage(models.Model):
    """A message the platform owes someone, written in the same transaction as its cause.

    The dispatcher (a periodic task) claims due rows, sends, and marks them sent; a row is
    sent at most once. `sequence` is the session's sequence when the row was written, so a
    second reschedule owes a second reschedule message.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=32, choices=MessageKind.choices)
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="messages", null=True, blank=True
    )
    match_request = models.ForeignKey(
        MatchRequest, on_delete=models.CASCADE, related_name="messages", null=True, blank=True
    )
    sequence = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    MAX_ATTEMPTS = 8

    class Meta:
        ordering = ("next_attempt_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "recipient", "kind", "sequence"],
                name="one_message_per_session_recipient_kind",
            )
        ]
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(sent_at__isnull=True, withdrawn_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient} ({self.state})"

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        if self.withdrawn_at:
            return "withdrawn"
        if self.attempts >= self.MAX_ATTEMPTS:
            return "given up"
        if self.attempts:
            return "failing"
        return "due" if self.due_at <= timezone.now() else "scheduled"
