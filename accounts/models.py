import secrets
import zoneinfo
from functools import cache

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class Level(models.TextChoices):
    # Values sort in level order, so "at or above" is a plain comparison in SQL.
    L3 = "L3", "L3"
    L4 = "L4", "L4"
    L5 = "L5", "L5+"


class CompanyType(models.TextChoices):
    FAANG = "faang", "FAANG"
    STARTUP = "startup", "Startup"


class CompanyExperience(models.TextChoices):
    FAANG = "faang", "FAANG"
    STARTUP = "startup", "Startup"
    BOTH = "both", "FAANG and startup"

    def covers(self, company_type: str) -> bool:
        return self == CompanyExperience.BOTH or self.value == company_type


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            "“%(value)s” is not a time zone we know. Pick one from the list, e.g. Europe/Berlin.",
            code="invalid_time_zone",
            params={"value": value},
        )


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


# Interviewers staff have to look at: new (not vetted yet) or claiming L5+ (a claim is non-empty).
# The vetting queue filters by it and the partial index below is built on it: the same words, so
# PostgreSQL can prove the index applies.
WAITING_FOR_STAFF = models.Q(is_interviewer=True, is_active=True) & (
    models.Q(interviewer_vetted_at__isnull=True) | models.Q(level_claim__gt="")
)


class User(AbstractBaseUser, PermissionsMixin):
    """A PeerLoop member: always a candidate, an interviewer too once opted in."""

    email = models.EmailField("e-mail address", unique=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    display_name = models.CharField(max_length=80, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    current_level = models.CharField(max_length=2, choices=Level.choices, blank=True)
    target_level = models.CharField(max_length=2, choices=Level.choices, blank=True)
    target_company_type = models.CharField(max_length=10, choices=CompanyType.choices, blank=True)

    is_interviewer = models.BooleanField("I want to interview others", default=False)
    interviewer_level = models.CharField(
        "level you hold or held", max_length=2, choices=Level.choices, blank=True
    )
    company_experience = models.CharField(max_length=10, choices=CompanyExperience.choices, blank=True)
    sessions_per_week = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, "Take at least 1 session a week."),
            MaxValueValidator(10, "At most 10 sessions a week."),
        ],
    )
    bio = models.TextField(max_length=600, blank=True)
    # Vetting: an interviewer is "new" until staff vet them (their evaluations are provisional
    # meanwhile); L5+ needs staff approval, and a claim of it waits in level_claim, interviewing
    # at L4 until approved.
    interviewer_vetted_at = models.DateTimeField("vetted as an interviewer", null=True, blank=True)
    senior_approved_at = models.DateTimeField("approved to interview at L5+", null=True, blank=True)
    level_claim = models.CharField(
        "level claimed, awaiting approval", max_length=2, choices=Level.choices, blank=True
    )

    onboarded_at = models.DateTimeField(null=True, blank=True)
    # The secret in this member's calendar feed URL; regenerating it kills the old URL.
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    # The sum of this member's CreditEntry rows, kept with them in one transaction under this
    # row's lock (accounts.credits); the ledger is the truth, this column makes reading it cheap
    # and lets the database refuse a negative balance.
    credit_balance = models.IntegerField(default=0, editable=False)
    # Which reminders the member gets (the outbox skips a reminder whose preference is off when it
    # writes it); confirmations, reschedules and cancellations always go.
    remind_24h = models.BooleanField("reminder 24 hours before a session", default=True)
    remind_1h = models.BooleanField("reminder 1 hour before a session", default=True)
    remind_rubric = models.BooleanField("reminder when a rubric of mine is overdue", default=True)
    # Set when the member left: their personal data is erased, the row stays for the sessions and
    # evaluations others rely on (accounts.services.member_delete).
    left_at = models.DateTimeField(null=True, blank=True)
    # Repeated no-shows pause booking until then (set when the no-show is reported).
    booking_paused_until = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_interviewer=False)
                | (
                    ~models.Q(interviewer_level="")
                    & ~models.Q(company_experience="")
                    & models.Q(sessions_per_week__gte=1, sessions_per_week__lte=10)
                ),
                name="interviewer_profile_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(credit_balance__gte=0), name="credit_balance_not_negative"
            ),
        ]
        indexes = [
            # The staff's vetting queue (rubrics.selectors.vetting_queue), without reading every member.
            models.Index(fields=["date_joined"], condition=WAITING_FOR_STAFF, name="user_vetting_queue"),
            # Finding a slot joins the slots with the interviewers who fit (interviews.fit: taking
            # interviews, level, company experience): read from this index alone, not every member.
            models.Index(
                fields=["interviewer_level", "company_experience"],
                include=["id"],
                condition=models.Q(is_interviewer=True, is_active=True),
                name="user_taking_interviews",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def booking_paused(self, now=None) -> bool:
        return self.booking_paused_until is not None and self.booking_paused_until > (now or timezone.now())

    @property
    def is_new_interviewer(self) -> bool:
        return self.is_interviewer and self.interviewer_vetted_at is None

    @property
    def is_onboarded(self) -> bool:
        return self.onboarded_at is not None

    def clean(self) -> None:
        """An onboarded profile has its candidate fields; an interviewer, their interviewer fields."""
        super().clean()
        required = {}
        if self.onboarded_at is not None:
            required.update(
                display_name="Tell us the name other members will see.",
                current_level="Choose your current level.",
                target_level="Choose the level you are aiming for.",
                target_company_type="Choose the kind of company you are aiming for.",
            )
        if self.is_interviewer:
            required.update(
                interviewer_level="Say which level you hold or held to interview others.",
                company_experience="Say where your experience comes from to interview others.",
                sessions_per_week="Say how many sessions a week you can take (1 to 10).",
            )
        errors = {field: message for field, message in required.items() if getattr(self, field) in ("", None)}
        if errors:
            raise ValidationError(errors)


class CreditCause(models.TextChoices):
    STARTER = "starter", "Welcome credits"
    BOOKING = "booking", "Booked a session"
    REFUND = "refund", "Refund"
    FORFEIT = "forfeit", "Forfeited"
    EARNED = "earned", "Interviewed someone"
    GRANT = "grant", "Granted by staff"


class CreditEntry(models.Model):
    """One change of a member's credits, with its cause: the ledger is the only truth about credits.

    `balance_after` is the member's balance once this row counted (rows are written under the
    member's row lock, so they chain); the database refuses a row that would take it below zero.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="credit_entries")
    amount = models.IntegerField()
    balance_after = models.IntegerField()
    cause = models.CharField(max_length=10, choices=CreditCause.choices)
    # The session this is about (interviews sit above accounts: an id, not a foreign key).
    session_id = models.BigIntegerField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    granted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name_plural = "credit entries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance_after__gte=0), name="credit_entry_balance_not_negative"
            ),
            # A session charges, refunds, forfeits and pays out at most once each.
            models.UniqueConstraint(
                fields=["user", "session_id", "cause"],
                condition=models.Q(session_id__isnull=False),
                name="one_credit_entry_per_session_cause",
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user}: {self.amount:+d} ({self.get_cause_display()})"
