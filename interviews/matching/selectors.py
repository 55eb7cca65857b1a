"""Reads of match requests."""

from django.http import Http404

from accounts.models import User
from interviews.matching.models import MatchRequest


def match_request_for_user(user: User, pk: int) -> MatchRequest:
    """The candidate's own request; 404 for everyone else."""
    try:
        return (
            MatchRequest.objects.select_related("session__interviewer")
            .prefetch_related("windows")
            .get(pk=pk, candidate=user)
        )
    except (MatchRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("No such request.") from None


def match_requests_for_user(*, user: User) -> list[MatchRequest]:
    return list(
        MatchRequest.objects.filter(candidate=user)
        .select_related("session__interviewer")
        .prefetch_related("windows")
    )
