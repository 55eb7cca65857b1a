"""Availability (weekly windows, blocked dates) and the bookable slots made from it."""

from datetime import timedelta

from django.conf import settings
from django.db import models

from accounts.models import CompanyExperience, Level

SESSION_LENGTH = timedelta(minutes=60)
MIN_NOTICE = timedelta(hours=2)


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
    # The interviewer's fit, copied (Slot.of makes them so, slots_follow_profile keeps them): the
    # slot search picks each hour's best-fitting slots from one index, not by joining a week of
    # slots with their interviewers. Who may book is still decided on the interviewer's own row.
    interviewer_level = models.CharField(max_length=2, choices=Level.choices, blank=True)
    company_experience = models.CharField(max_length=10, choices=CompanyExperience.choices, blank=True)

    class Meta:
        ordering = ("start",)
        constraints = [models.UniqueConstraint(fields=["interviewer", "start"], name="slot_once_per_start")]
        indexes = [
            models.Index(fields=["start", "interviewer"]),
            # The published slots of a start time and level, lowest id first (the slot search).
            models.Index(
                fields=["start", "interviewer_level", "id"],
                include=["company_experience", "interviewer"],
                condition=models.Q(is_withdrawn=False),
                name="slot_published_by_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.interviewer} at {self.start:%Y-%m-%d %H:%M} UTC"

    @classmethod
    def of(cls, interviewer, start) -> "Slot":
        """The interviewer's (unsaved) slot from `start`, with their fit copied."""
        return cls(
            interviewer=interviewer,
            start=start,
            end=start + SESSION_LENGTH,
            interviewer_level=interviewer.interviewer_level,
            company_experience=interviewer.company_experience,
        )
