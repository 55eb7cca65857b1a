"""Credits, give to get: booking a session costs credits, interviewing earns them.

Every change is a CreditEntry row with its cause; User.credit_balance is their sum, written in the
same transaction under the member's row lock, and the database refuses a balance below zero (on
the user row and on each entry). The rules about when a session charges, refunds or forfeits live
with the session (interviews.sessions); this module only keeps the books.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.errors import Conflict
from accounts.models import CreditCause, CreditEntry, User

SESSION_PRICE = 10
STARTER_CREDITS = 2 * SESSION_PRICE  # enough for two sessions
EARNED_CREDITS = 10
EARNED_SENIOR_CREDITS = 15  # interviewing above the candidate's target: senior time is valued
LATE_CANCEL_FORFEIT = SESSION_PRICE // 2
MAX_GRANT = 1000

HOW_TO_EARN = (
    f"Interview another member to earn {EARNED_CREDITS} credits per session "
    f"({EARNED_SENIOR_CREDITS} when your level is above the level they are aiming for), "
    "paid when you submit the rubric. Opt in to interviewing on your profile."
)


def not_enough_credits(balance: int) -> str:
    return f"A session costs {SESSION_PRICE} credits and you have {balance}. {HOW_TO_EARN}"


def earning_for(*, interviewer_level: str, target_level: str) -> int:
    """What interviewing a candidate aiming at `target_level` earns (Level values sort in order)."""
    return EARNED_SENIOR_CREDITS if interviewer_level > target_level else EARNED_CREDITS


def credit_post_locked(
    *,
    user: User,
    amount: int,
    cause: str,
    session_id: int | None = None,
    note: str = "",
    granted_by: User | None = None,
) -> CreditEntry:
    """Write one ledger row for `user`, whose row the caller has locked (select_for_update) and
    read fresh in this transaction. A balance that would go below zero is a Conflict (and the
    database would refuse it anyway)."""
    balance = user.credit_balance + amount
    if balance < 0:
        raise Conflict(not_enough_credits(user.credit_balance))
    User.objects.filter(pk=user.pk).update(credit_balance=balance)
    user.credit_balance = balance
    return CreditEntry.objects.create(
        user=user,
        amount=amount,
        balance_after=balance,
        cause=cause,
        session_id=session_id,
        note=note,
        granted_by=granted_by,
        created_at=timezone.now(),
    )


def credit_post(
    *,
    user: User,
    amount: int,
    cause: str,
    session_id: int | None = None,
    note: str = "",
    granted_by: User | None = None,
) -> CreditEntry:
    """Lock the member's row and write one ledger row (see credit_post_locked)."""
    with transaction.atomic():
        locked = User.objects.select_for_update().only("pk", "credit_balance").get(pk=user.pk)
        entry = credit_post_locked(
            user=locked, amount=amount, cause=cause, session_id=session_id, note=note, granted_by=granted_by
        )
    user.credit_balance = locked.credit_balance
    return entry


def credits_grant_starter(*, user: User) -> CreditEntry | None:
    """A new member's welcome credits, enough for two sessions; given once."""
    with transaction.atomic():
        locked = User.objects.select_for_update().only("pk", "credit_balance").get(pk=user.pk)
        if CreditEntry.objects.filter(user=locked, cause=CreditCause.STARTER).exists():
            return None
        entry = credit_post_locked(
            user=locked, amount=STARTER_CREDITS, cause=CreditCause.STARTER, note="Welcome to PeerLoop"
        )
    user.credit_balance = locked.credit_balance
    return entry


def credits_grant(*, user: User, amount: int, by: User, note: str = "") -> CreditEntry:
    """Staff give a member credits (a positive amount, at most MAX_GRANT at a time)."""
    if type(amount) is not int or not 0 < amount <= MAX_GRANT:  # bool is an int too
        raise ValidationError({"amount": f"Grant between 1 and {MAX_GRANT} credits."})
    return credit_post(
        user=user, amount=amount, cause=CreditCause.GRANT, note=note or f"Granted by {by.name}", granted_by=by
    )


def credit_entries(*, user: User) -> QuerySet[CreditEntry]:
    """The member's ledger, newest first."""
    return CreditEntry.objects.filter(user=user).order_by("-created_at", "-pk")
