from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.hooks import hooks
from accounts.models import CreditEntry, Level, User, new_calendar_token

# The highest level an interviewer may take without staff approval.
UNVETTED_MAX_LEVEL = Level.L4

PROFILE_FIELDS = (
    "display_name",
    "time_zone",
    "current_level",
    "target_level",
    "target_company_type",
    "is_interviewer",
    "interviewer_level",
    "company_experience",
    "sessions_per_week",
    "bio",
)


def profile_update(*, user: User, data: dict) -> User:
    """Save profile fields after the model's rules pass; the first save completes onboarding.

    The layers above follow the change in the same transaction (accounts.hooks.profile_changed:
    a change of zone or of interviewer opt-in regenerates the member's open slots).

    Interviewing at L5+ needs staff approval (User.senior_approved_at): a claim of it without one
    is recorded in `level_claim` for staff and the member interviews at L4 meanwhile; choosing a
    lower level withdraws the claim. Page and API both come through here, so both apply it.

    Nothing is written when a rule fails, and the in-memory user is restored.
    """
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    changed = {field for field, value in data.items() if getattr(user, field) != value}
    for field, value in data.items():
        setattr(user, field, value)
    if "interviewer_level" in data or "is_interviewer" in data:
        _vet_level_claim(user, changed)
    if user.onboarded_at is None:
        user.onboarded_at = timezone.now()
    try:
        user.full_clean(exclude=["password", "email"])
    except ValidationError:
        user.refresh_from_db()
        raise
    with transaction.atomic():
        user.save()
        if changed:
            hooks.profile_changed(user, changed)
    return user


def _vet_level_claim(user: User, changed: set[str]) -> None:
    needs_approval = user.interviewer_level == Level.L5 and user.senior_approved_at is None
    if user.is_interviewer and needs_approval and changed & {"interviewer_level", "is_interviewer"}:
        user.level_claim, user.interviewer_level = Level.L5, UNVETTED_MAX_LEVEL
        changed |= {"level_claim", "interviewer_level"}
    elif "interviewer_level" in changed and user.level_claim and user.interviewer_level != Level.L5:
        user.level_claim = ""
        changed.add("level_claim")


def interviewer_approve(*, user: User, senior: bool = False) -> User:
    """Staff vet an interviewer (their evaluations stop being provisional); with `senior`, they also
    approve interviewing at L5+, and a pending L5+ claim takes effect."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        now = timezone.now()
        changed = set()
        if user.interviewer_vetted_at is None:
            user.interviewer_vetted_at = now
            changed.add("interviewer_vetted_at")
        if senior:
            user.senior_approved_at = user.senior_approved_at or now
            changed.add("senior_approved_at")
            if user.level_claim == Level.L5:
                user.interviewer_level, user.level_claim = Level.L5, ""
                changed |= {"interviewer_level", "level_claim"}
        if changed:
            user.save(update_fields=sorted(changed))
        hooks.interviewer_vetted(user)
        if changed & {"interviewer_level"}:
            hooks.profile_changed(user, {"interviewer_level"})
    return user


def user_deactivate(*, user: User) -> User:
    """Staff deactivate a member: they can no longer sign in, and the layers above strand nobody
    (accounts.hooks.profile_changed with "is_active": their upcoming sessions are cancelled with
    notices, messages still owed to them withdrawn, their open slots removed)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            return user
        user.is_active = False
        user.save(update_fields=["is_active"])
        Token.objects.filter(user=user).delete()
        hooks.profile_changed(user, {"is_active"})
    return user


FORMER_MEMBER = "a former member"


NOTIFICATION_PREFERENCES = ("remind_24h", "remind_1h", "remind_rubric")


def notification_preferences_update(*, user: User, data: dict) -> User:
    """Choose which reminders to get. Only reminders can be turned off: confirmations,
    reschedules and cancellations always go. Applies to reminders written from now on."""
    unknown = set(data) - set(NOTIFICATION_PREFERENCES)
    if unknown:
        raise ValueError(f"not notification preferences: {sorted(unknown)}")
    for field, value in data.items():
        setattr(user, field, bool(value))
    if data:
        user.save(update_fields=sorted(data))
    return user


def member_delete(*, user: User) -> User:
    """A member leaves (or staff remove them): erase their personal data, keep what others rely on.

    Their upcoming sessions are cancelled with notices to the other side and everything still owed
    to them is withdrawn (user_deactivate); the layers above delete what is theirs alone (hooks.
    member_erased); then their profile is blanked to "a former member", sign-in is closed for good
    (no e-mail, password, token or second factor; open web sessions end as the password hash and
    the active flag change), and their credits ledger is
    deleted. The row stays, so past sessions, the evaluations in them and the placement model that
    fits over them keep working, anonymised. docs/leaving.md says what is kept and why.
    """
    user_deactivate(user=user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.left_at is not None:
            return user
        hooks.member_erased(user)
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        Token.objects.filter(user=user).delete()
        CreditEntry.objects.filter(user=user).delete()
        user.email = f"former-member-{user.pk}@deleted.invalid"
        user.set_unusable_password()
        user.display_name = FORMER_MEMBER
        user.bio = ""
        user.time_zone = "UTC"
        user.is_interviewer = False
        user.interviewer_level = user.company_experience = user.level_claim = ""
        user.sessions_per_week = None
        user.calendar_token = new_calendar_token()
        user.credit_balance = 0
        user.is_staff = user.is_superuser = False
        user.left_at = timezone.now()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
    return user


class TooManyAttempts(Exception):
    """Sign-in attempts for this account or from this address are over allauth's limits."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def token_issue(*, request: HttpRequest, email: str, password: str, code: str = "") -> Token:
    """Give a personal API token to an active user whose e-mail address is verified; with
    two-factor on, the current code from the authenticator app is needed too.

    Attempts count against the same limits as the sign-in page (allauth's `login_failed`: per
    address and per account), and a wrong two-factor code counts as a failed attempt.
    """
    adapter = get_adapter(request)
    try:
        user = adapter.authenticate(request, email=email, password=password)
        if user is None:
            raise ValidationError(
                "That e-mail and password do not match an account.", code="invalid_credentials"
            )
        if not user.emailaddress_set.filter(email__iexact=user.email, verified=True).exists():
            raise ValidationError(
                "Verify your e-mail address first: follow the link we sent you.", code="unverified_email"
            )
        if is_mfa_enabled(user):
            totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
            if not code or totp is None or not totp.wrap().validate_code(code):
                adapter.pre_authenticate(request, email=email)  # counts as a failed attempt
                message = (
                    "Two-factor is on for this account: send the current code from your authenticator app."
                )
                raise ValidationError({"code": message})
    except ValidationError as exc:
        if getattr(exc, "code", None) == "too_many_login_attempts":
            raise TooManyAttempts(exc.messages[0]) from None
        raise
    token, _ = Token.objects.get_or_create(user=user)
    return token


def token_revoke(*, user: User) -> bool:
    """The user's API token stops working (also done on every password change and when two-factor
    is turned on). True when there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)


def calendar_token_regenerate(*, user: User) -> str:
    """A new secret for the member's calendar feed; the old feed URL stops working at once."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token
