"""Everything PeerLoop holds about a member, as JSON they can take with them.

It sits on the top floor because it reads every app. Only the member's own data goes in: of a
session, their role and what happened, never who the other person was; of an evaluation they
wrote, that it exists (its content is about the candidate).
"""

from datetime import date, datetime, time

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models import Q
from django.utils import timezone

from accounts.credits import credit_entries
from accounts.models import User
from interviews.matching.models import MatchRequest
from interviews.notifications.selectors import member_messages
from interviews.scheduling.models import AvailabilityWindow, BlockedDate
from interviews.sessions.models import Session
from rubrics.models import Evaluation, EvaluationStatus, InterviewerRating, Placement

PROFILE = (
    "email", "display_name", "time_zone", "current_level", "target_level", "target_company_type",
    "is_interviewer", "interviewer_level", "company_experience", "sessions_per_week", "bio",
    "date_joined", "onboarded_at", "last_login", "interviewer_vetted_at", "senior_approved_at",
    "level_claim", "booking_paused_until", "credit_balance",
)  # fmt: skip


def _plain(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _row(obj, fields) -> dict:
    return {field: _plain(getattr(obj, field)) for field in fields}


def member_export(*, user: User) -> dict:
    """The member's data, newest first where it is a history."""
    sessions = Session.objects.filter(Q(candidate=user) | Q(interviewer=user)).select_related("question")
    received = (
        Evaluation.objects.filter(session__candidate=user, status=EvaluationStatus.SUBMITTED)
        .select_related("session")
        .prefetch_related("scores__dimension")
    )
    placement = Placement.objects.filter(candidate=user).first()
    return {
        "exported_at": timezone.now().isoformat(),
        "about": "Everything PeerLoop holds about you. Other people appear only as their role.",
        "profile": _row(user, PROFILE),
        "email_addresses": [
            _row(e, ("email", "verified", "primary")) for e in EmailAddress.objects.filter(user=user)
        ],
        "two_factor": [a.type for a in Authenticator.objects.filter(user=user)],
        "credits": [
            _row(e, ("created_at", "amount", "balance_after", "cause", "session_id", "note"))
            for e in credit_entries(user=user)
        ],
        "availability": {
            "weekly_windows": [
                _row(w, ("weekday", "start_time", "end_time"))
                for w in AvailabilityWindow.objects.filter(interviewer=user)
            ],
            "dates_off": [_plain(d.date) for d in BlockedDate.objects.filter(interviewer=user)],
        },
        "sessions": [
            {
                "id": s.pk,
                "role": s.role_of(user),
                **_row(s, ("start", "end", "status", "target_level", "company_type", "late_cancellation")),
                "question": s.question.title if s.question_visible_to(user) else None,
                "cancelled_by_you": s.cancelled_by_id == user.pk,
                "your_cancel_reason": s.cancel_reason if s.cancelled_by_id == user.pk else "",
                "no_show_reported_by_you": s.no_show_reported_by_id == user.pk,
            }
            for s in sessions.order_by("-start")
        ],
        "match_requests": [
            {
                **_row(r, ("id", "status", "target_level", "company_type", "note", "created_at")),
                "windows": [[_plain(w.start), _plain(w.end)] for w in r.windows.all()],
            }
            for r in MatchRequest.objects.filter(candidate=user).prefetch_related("windows").order_by("-pk")
        ],
        "evaluations_received": [
            {
                "session": e.session_id,
                **_row(
                    e,
                    (
                        "submitted_at",
                        "recommended_level",
                        "verdict",
                        "hints",
                        "guidance",
                        "clarifications",
                        "strengths",
                        "improvements",
                        "provisional",
                    ),
                ),
                "scores": {s.dimension.key: s.score for s in e.scores.all()},
            }  # fmt: skip
            for e in received.order_by("-submitted_at")
        ],
        "evaluations_written": [
            _row(e, ("session_id", "status", "submitted_at"))
            for e in Evaluation.objects.filter(interviewer=user).order_by("-pk")
        ],
        "ratings_given": [
            _row(r, ("session_id", "score", "comment", "created_at"))
            for r in InterviewerRating.objects.filter(candidate=user)
        ],
        "ratings_received": [
            _row(r, ("session_id", "score", "comment", "created_at"))
            for r in InterviewerRating.objects.filter(interviewer=user)
        ],
        "placement": _row(placement, ("level", "confidence", "probabilities", "evaluations", "provisional"))
        if placement
        else None,
        "messages": [
            _row(m, ("kind", "session_id", "due_at", "sent_at", "withdrawn_at"))
            for m in member_messages(user).order_by("-due_at")
        ],
    }
