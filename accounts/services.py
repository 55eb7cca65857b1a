from allauth.account.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.hooks import hooks
from accounts.models import User, new_calendar_token

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

    Nothing is written when a rule fails, and the in-memory user is restored.
    """
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    changed = {field for field, value in data.items() if getattr(user, field) != value}
    for field, value in data.items():
        setattr(user, field, value)
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
