"""What interviews erases when a member leaves (accounts.services.member_delete, through the
member_erased hook), after their upcoming sessions were cancelled.

Deleted: their weekly availability and dates off, their open slots, their match requests and
every message addressed to them. Kept: past sessions (the other person's history, the evaluations
in them, the placement model's evidence), now showing "a former member".
"""

from accounts.models import User
from interviews.matching.models import MatchRequest
from interviews.notifications.selectors import member_messages
from interviews.scheduling.models import AvailabilityWindow, BlockedDate
from interviews.sessions.hooks import hooks


def member_erase(user: User) -> None:
    AvailabilityWindow.objects.filter(interviewer=user).delete()
    BlockedDate.objects.filter(interviewer=user).delete()
    MatchRequest.objects.filter(candidate=user).delete()
    # Account e-mails (sign-in codes, confirmations) may name only the address.
    member_messages(user).delete()
    hooks.member_erased(user)
