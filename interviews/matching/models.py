"""Match requests: a candidate's windows, waiting for a matching round."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import CompanyType, Level
from interviews.sessions.models import Session


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
