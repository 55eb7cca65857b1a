from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth import authenticate
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


def token_issue(*, request: HttpRequest, email: str, password: str, code: str = "") -> Token:
    """Give a personal API token to an active user whose e-mail address is verified; with
    two-factor on, the current code from the authenticator app is needed too."""
    user = authenticate(request, email=email, password=password)
    if user is None:
        raise ValidationError("That e-mail and password do not match an account.", code="invalid_credentials")
    if not user.emailaddress_set.filter(email__iexact=user.email, verified=True).exists():
        raise ValidationError(
            "Verify your e-mail address first: follow the link we sent you.", code="unverified_email"
        )
    if is_mfa_enabled(user):
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if not code or totp is None or not totp.wrap().validate_code(code):
            message = "Two-factor is on for this account: send the current code from your authenticator app."
            raise ValidationError({"code": message})
    token, _ = Token.objects.get_or_create(user=user)
    return token


def token_revoke(*, user: User) -> None:
    """The user's API token stops working (also done on every password change)."""
    Token.objects.filter(user=user).delete()


def calendar_token_regenerate(*, user: User) -> str:
    """A new secret for the member's calendar feed; the old feed URL stops working at once."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token
