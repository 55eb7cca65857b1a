"""The large data set of `manage.py seed_scale` (issue #18), built with COPY on PostgreSQL.

At `--members 20000`: a third of the members interviewers; ~100,000 past sessions over the last
year (88 % completed, 7 % cancelled, 5 % no-shows), each in its own slot; ~200,000 slots in the
next four weeks, a twentieth of them booked; ~60,000 submitted evaluations with their twelve
scores, half of them rated; 5,000 open match requests; one staff member. Everything scales with
`members`. Activity is skewed (Pareto weights): a few interviewers and candidates take hundreds
of sessions, most take a handful; candidates' sessions are capped at 350.

Every row keeps the models' rules: fitting pairs (level at or above the target, company
experience), one active session per slot, nobody in two active sessions at once (in either
role), complete interviewer profiles, a credit balance equal to its ledger (each member's
starter credits: past charges are history no page reads). Times are relative to the hour the
command runs; everything else follows from `seed`.
"""

import math
import random
from collections.abc import Iterable
from datetime import timedelta

import numpy as np
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

from accounts.credits import STARTER_CREDITS
from accounts.models import CompanyType, CreditCause, CreditEntry, Level, User
from interviews.fit import COMPANY_TYPES, EXPERIENCES, LEVELS, fits_vectorised
from interviews.matching.models import MatchRequest, MatchWindow
from interviews.scheduling.models import MIN_NOTICE, SESSION_LENGTH, Slot
from interviews.sessions.models import Question, Session, SessionStatus
from rubrics.models import DimensionScore, Evaluation, EvaluationStatus, InterviewerRating, Verdict
from rubrics.selectors import rubric_current

SCALE_PASSWORD = "peerloop-scale"
STAFF_EMAIL = "staff@scale.example"
PAST_WEEKS = 52
FUTURE_WEEKS = 4
CANDIDATE_CAP = 350
# (zone, its standard offset from UTC in hours): weekly hours are laid out in local time.
ZONES = [
    ("America/Los_Angeles", -8),
    ("America/New_York", -5),
    ("Europe/London", 0),
    ("Europe/Berlin", 1),
    ("Asia/Kolkata", 5),
    ("Asia/Singapore", 8),
]
ZONE_SHARES = [0.2, 0.25, 0.15, 0.2, 0.12, 0.08]
# Local hours people interview at: weekday evenings, weekend mornings (weekday 0 is Monday).
LOCAL_HOURS = [(day, hour) for day in range(5) for hour in range(17, 22)] + [
    (day, hour) for day in (5, 6) for hour in range(9, 14)
]
TEXT = {
    "strengths": "Framed the objective and the metric early; compared two models on latency and cost.",
    "improvements": "Say how labels are collected and how late they arrive before choosing features.",
}


def scale_seed(*, members: int, seed: int, now=None, log=print) -> dict[str, int]:
    """Builds the data set into an empty database (content loaded, no members yet) and returns the
    rows written per table. Refuses a database that already has members."""
    if connection.vendor != "postgresql":
        raise ValueError("seed_scale writes with COPY: it needs PostgreSQL (set DATABASE_URL).")
    if User.objects.exists():
        raise ValueError("seed_scale builds into a database without members; this one has some.")
    if members < 30:
        raise ValueError("Give at least 30 members.")
    now = (now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    builder = _Builder(members=members, seed=seed, now=now, log=log)
    counts = builder.build()
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), builder.tables):
            cursor.execute(sql)
    return counts


class _Builder:
    def __init__(self, *, members: int, seed: int, now, log):
        self.n = members
        self.now = now
        self.log = log
        self.rng = np.random.default_rng(seed)
        self.random = random.Random(seed)
        self.tables: list[type[models.Model]] = []
        self.counts: dict[str, int] = {}
        # (member index, hour number) of every active session, in either role.
        self.busy: set[tuple[int, int]] = set()
        self.hour0 = int(now.timestamp()) // 3600
        self.sessions: list[dict] = []

    def build(self) -> dict[str, int]:
        self._members()
        self._past_sessions()
        self._future()
        self._evaluations()
        self._match_requests()
        return self.counts

    # -- writing --------------------------------------------------------------------------------

    def _copy(self, model: type[models.Model], rows: Iterable[dict]) -> int:
        """COPY rows (dicts by attribute name; missing fields take their model default, a missing
        id its sequence's next value)."""
        rows = list(rows)
        fields = [
            f for f in model._meta.concrete_fields if not (f.primary_key and rows and "id" not in rows[0])
        ]
        defaults = {
            f.attname: f.get_default() for f in fields if not (f.has_default() and callable(f.default))
        }
        callables = {f.attname: f.default for f in fields if f.has_default() and callable(f.default)}
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        written = 0
        with connection.cursor() as cursor:
            sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    values = []
                    for f in fields:
                        if f.attname in row:
                            value = row[f.attname]
                        elif f.attname in callables:
                            value = callables[f.attname]()
                        else:
                            value = defaults[f.attname]
                        values.append(f.get_db_prep_save(value, connection))
                    copy.write_row(values)
                    written += 1
        if model not in self.tables:
            self.tables.append(model)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + written
        return written

    def _at(self, hour: int):
        return self.now + timedelta(hours=hour - self.hour0)

    # -- members --------------------------------------------------------------------------------

    def _members(self) -> None:
        n, rng = self.n, self.rng
        self.interviewers = np.arange(n // 3)  # members 0 .. n/3-1 interview
        self.zone = rng.choice(len(ZONES), size=n, p=ZONE_SHARES)
        self.target = rng.choice(3, size=n, p=[0.25, 0.45, 0.30])
        self.company = rng.choice(2, size=n, p=[0.55, 0.45])
        self.current = np.maximum(self.target - rng.choice(2, size=n, p=[0.3, 0.7]), 0)
        self.level = np.full(n, -1)
        self.level[self.interviewers] = rng.choice(3, size=len(self.interviewers), p=[0.15, 0.5, 0.35])
        self.experience = np.full(n, -1)
        self.experience[self.interviewers] = rng.choice(3, size=len(self.interviewers), p=[0.4, 0.35, 0.25])
        # How much each member books as a candidate and, for interviewers, how much they interview.
        self.candidate_weight = rng.pareto(1.1, n) + 1
        self.ability = rng.normal(self.target - 1.0, 0.6)
        self.severity = rng.normal(0, 0.4, n)
        self._weekly_hours()
        password = make_password(SCALE_PASSWORD)
        joined = self.now - timedelta(weeks=PAST_WEEKS + 4)

        def users():
            for i in range(n):
                zone = ZONES[self.zone[i]][0]
                interviewer = self.level[i] >= 0
                row = {
                    "id": i + 1,
                    "email": self.email(i),
                    "password": password,
                    "display_name": f"Member {i + 1}",
                    "time_zone": zone,
                    "date_joined": joined,
                    "onboarded_at": joined,
                    "current_level": LEVELS[self.current[i]],
                    "target_level": LEVELS[self.target[i]],
                    "target_company_type": COMPANY_TYPES[self.company[i]],
                    "credit_balance": STARTER_CREDITS,
                }
                if interviewer:
                    row.update(
                        is_interviewer=True,
                        **self._fit(i),
                        sessions_per_week=max(
                            int(self.random.choice((3, 5, 5, 8, 10))),
                            math.ceil(self.past_count[i] / PAST_WEEKS),
                        ),
                        interviewer_vetted_at=joined,
                        senior_approved_at=joined if self.level[i] == 2 else None,
                        bio="ML engineer; ranking, retrieval and forecasting systems.",
                    )
                yield row
            yield {
                "id": n + 1,
                "email": STAFF_EMAIL,
                "password": password,
                "display_name": "Scale Staff",
                "is_staff": True,
                "is_superuser": True,
                "onboarded_at": joined,
                "current_level": Level.L5,
                "target_level": Level.L5,
                "target_company_type": CompanyType.FAANG,
                "credit_balance": STARTER_CREDITS,
            }

        self._copy(User, users())
        emails = (
            {"user_id": i + 1, "email": self.email(i), "verified": True, "primary": True} for i in range(n)
        )
        self._copy(
            EmailAddress,
            [*emails, {"user_id": n + 1, "email": STAFF_EMAIL, "verified": True, "primary": True}],
        )
        self._copy(
            CreditEntry,
            (
                {
                    "user_id": i + 1,
                    "amount": STARTER_CREDITS,
                    "balance_after": STARTER_CREDITS,
                    "cause": CreditCause.STARTER,
                    "note": "Welcome to PeerLoop",
                    "created_at": joined,
                }
                for i in range(n + 1)
            ),
        )
        self.log(f"members: {n + 1} ({len(self.interviewers)} interviewers, one staff)")

    @staticmethod
    def email(i: int) -> str:
        return f"member{i + 1}@scale.example"

    # -- slots and sessions ---------------------------------------------------------------------

    def _weekly_hours(self) -> None:
        """Each interviewer's weekly hours (as hour-of-week in UTC, Monday 00:00 UTC = 0), and the
        past sessions they took: Pareto-skewed, at most 80 % of the hours they offered and 8 a week
        (their capacity is at most 10)."""
        rng = self.rng
        count = len(self.interviewers)
        weight = rng.pareto(1.2, count) + 1
        sessions = rng.multinomial(int(6.5 * self.n), weight / weight.sum())
        hours_per_week = np.clip(np.ceil(sessions / (0.8 * PAST_WEEKS)) + rng.integers(4, 11, count), 2, 16)
        self.past_count = np.minimum(
            sessions, (0.8 * PAST_WEEKS * np.minimum(hours_per_week, 10)).astype(int)
        )
        self.week_hours = []
        for i in range(count):
            offset = ZONES[self.zone[i]][1]
            local = rng.choice(
                len(LOCAL_HOURS), size=int(min(hours_per_week[i], len(LOCAL_HOURS))), replace=False
            )
            self.week_hours.append(
                sorted({(LOCAL_HOURS[k][0] * 24 + LOCAL_HOURS[k][1] - offset) % 168 for k in local})
            )

    def _hours(self, i: int, first: int, last: int) -> list[int]:
        """Interviewer i's offered hours (hour numbers since the epoch) in [first, last)."""
        # The epoch (1970-01-01) was a Thursday: hour-of-week h (from Monday) is epoch hour h - 72.
        start_week = (first + 72) // 168
        hours = []
        for week in range(start_week, (last + 72) // 168 + 1):
            for h in self.week_hours[i]:
                hour = week * 168 + h - 72
                if first <= hour < last:
                    hours.append(hour)
        return hours

    def _fitting_pool(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        fits = fits_vectorised(
            interviewer_level=self.level[i],
            experience=self.experience[i],
            target_level=self.target,
            company_type=self.company,
        )
        fits[i] = False
        pool = np.flatnonzero(fits)
        return pool, np.cumsum(self.candidate_weight[pool])

    def _draw(self, pool, cumulative, size: int) -> np.ndarray:
        return pool[np.searchsorted(cumulative, self.rng.random(size) * cumulative[-1])]

    def _questions(self) -> dict[tuple[int, int], list[int]]:
        questions = list(Question.objects.filter(is_active=True))
        return {
            (level, company): [
                q.pk
                for q in questions
                if q.fits(target_level=LEVELS[level], company_type=COMPANY_TYPES[company])
            ]
            for level in range(3)
            for company in range(2)
        }

    def _past_sessions(self) -> None:
        """Past sessions, each in its own slot, candidates drawn by weight among those who fit."""
        questions = self._questions()
        first, last = self.hour0 - PAST_WEEKS * 168, self.hour0 - 1
        taken = np.zeros(self.n, dtype=int)
        slots, sessions = [], []
        slot_id = 0
        for i in self.interviewers:
            hours = self._hours(i, first, last)
            want = min(int(self.past_count[i]), len(hours))
            if not want:
                continue
            pool, cumulative = self._fitting_pool(i)
            chosen = sorted(self.random.sample(hours, want))
            draws = iter(self._draw(pool, cumulative, 4 * want + 8))
            for hour in chosen:
                candidate = next(
                    (c for c in draws if taken[c] < CANDIDATE_CAP and (c, hour) not in self.busy), None
                )
                if candidate is None or (i, hour) in self.busy:
                    continue
                roll = self.random.random()
                status = (
                    SessionStatus.COMPLETED
                    if roll < 0.88
                    else SessionStatus.CANCELLED
                    if roll < 0.95
                    else SessionStatus.NO_SHOW
                )
                slot_id += 1
                start = self._at(hour)
                slots.append(
                    {
                        "id": slot_id,
                        "interviewer_id": i + 1,
                        "start": start,
                        "end": start + SESSION_LENGTH,
                        "is_withdrawn": status == SessionStatus.CANCELLED and roll < 0.92,
                        **self._fit(i),
                    }
                )
                sessions.append(self._session(i, candidate, hour, slot_id, status, questions))
                if status != SessionStatus.CANCELLED:
                    self.busy.update({(i, hour), (candidate, hour)})
                    taken[candidate] += 1
        self.slot_id = slot_id
        self._copy(Slot, slots)
        self._copy(Session, sessions)
        self.past_sessions = sessions
        self.log(f"past: {len(sessions)} sessions in their slots")

    def _fit(self, i) -> dict:
        """Interviewer i's level and experience, as their slots carry them (Slot.of)."""
        return {
            "interviewer_level": LEVELS[self.level[i]],
            "company_experience": EXPERIENCES[self.experience[i]],
        }

    def _session(self, i, candidate, hour, slot_id, status, questions) -> dict:
        start = self._at(hour)
        row = {
            "id": len(self.sessions) + 1,
            "candidate_id": int(candidate) + 1,
            "interviewer_id": int(i) + 1,
            "slot_id": slot_id,
            "start": start,
            "end": start + SESSION_LENGTH,
            "target_level": LEVELS[self.target[candidate]],
            "company_type": COMPANY_TYPES[self.company[candidate]],
            "question_id": self.random.choice(questions[(self.target[candidate], self.company[candidate])]),
            "status": status,
            "created_at": start - timedelta(days=self.random.randint(1, 14)),
        }
        row["scheduled_at"] = row["created_at"]
        self.sessions.append(row)
        if status == SessionStatus.CANCELLED:
            by = row["interviewer_id"] if self.random.random() < 0.4 else row["candidate_id"]
            row.update(cancelled_by_id=by, cancelled_at=start - timedelta(hours=self.random.randint(2, 96)))
            row["late_cancellation"] = start - row["cancelled_at"] < timedelta(hours=24)
            row["cancel_reason"] = "Something came up."
        elif status == SessionStatus.NO_SHOW:
            row["no_show_reported_by_id"] = self.random.choice((row["interviewer_id"], row["candidate_id"]))
        return row

    def _future(self) -> None:
        """The next four weeks' slots from the weekly hours; a twentieth of them booked."""
        questions = self._questions()
        first = self.hour0 + math.ceil(MIN_NOTICE / timedelta(hours=1))
        last = self.hour0 + FUTURE_WEEKS * 168
        slots, booked = [], []
        offered = {i: self._hours(i, first, last) for i in self.interviewers}
        share = (self.n / 2) / max(1, sum(len(hours) for hours in offered.values()))
        upcoming = np.zeros(self.n, dtype=int)
        for i in self.interviewers:
            pool, cumulative = self._fitting_pool(i)
            for hour in offered[i]:
                self.slot_id += 1
                start = self._at(hour)
                slots.append(
                    {
                        "id": self.slot_id,
                        "interviewer_id": i + 1,
                        "start": start,
                        "end": start + SESSION_LENGTH,
                        **self._fit(i),
                    }
                )
                if (i, hour) in self.busy or self.random.random() >= share:
                    continue
                candidate = next(
                    (
                        c
                        for c in self._draw(pool, cumulative, 8)
                        if upcoming[c] < 4 and (c, hour) not in self.busy
                    ),
                    None,
                )
                if candidate is None:
                    continue
                booked.append(
                    self._session(i, candidate, hour, self.slot_id, SessionStatus.SCHEDULED, questions)
                )
                self.busy.update({(i, hour), (candidate, hour)})
                upcoming[candidate] += 1
        self._copy(Slot, slots)
        self._copy(Session, booked)
        self.log(f"future: {len(slots)} slots, {len(booked)} booked")

    # -- evaluations ----------------------------------------------------------------------------

    def _evaluations(self) -> None:
        """Submitted evaluations of completed sessions that ended over 48 hours ago (the newer ones
        wait for their rubric), scored from the candidate's ability and the interviewer's severity."""
        rubric = rubric_current()
        dimensions = list(rubric.dimensions.values_list("pk", flat=True))
        difficulty = self.rng.normal(0, 0.3, len(dimensions))
        cutoff = self.now - timedelta(hours=48)
        eligible = [
            s for s in self.past_sessions if s["status"] == SessionStatus.COMPLETED and s["end"] < cutoff
        ]
        share = min(1.0, 3 * self.n / max(1, len(eligible)))
        evaluations, scores, ratings = [], [], []
        for session in eligible:
            if self.random.random() >= share:
                continue
            candidate, interviewer = session["candidate_id"] - 1, session["interviewer_id"] - 1
            raw = (
                2.5
                + self.ability[candidate]
                - self.severity[interviewer]
                - difficulty
                + self.rng.normal(0, 0.6, len(dimensions))
            )
            marks = np.clip(np.rint(raw), 1, 4).astype(int)
            mean = marks.mean()
            submitted = session["end"] + timedelta(hours=self.random.randint(1, 40))
            evaluation_id = len(evaluations) + 1
            evaluations.append(
                {
                    "id": evaluation_id,
                    "session_id": session["id"],
                    "interviewer_id": session["interviewer_id"],
                    "rubric_id": rubric.pk,
                    "status": EvaluationStatus.SUBMITTED,
                    "hints": int(self.rng.poisson(max(0.2, 3 - mean))),
                    "guidance": int(self.rng.poisson(max(0.1, 2.5 - mean))),
                    "clarifications": int(self.rng.poisson(1)),
                    "recommended_level": LEVELS[int(np.clip(round(mean) - 2, 0, 2))],
                    "verdict": (Verdict.STRONG_NO, Verdict.NO, Verdict.YES, Verdict.STRONG_YES)[
                        int(round(mean)) - 1
                    ],
                    "created_at": session["end"],
                    "updated_at": submitted,
                    "submitted_at": submitted,
                    **TEXT,
                }
            )
            scores.extend(
                {"evaluation_id": evaluation_id, "dimension_id": d, "score": int(m), "evidence": ""}
                for d, m in zip(dimensions, marks, strict=True)
            )
            if self.random.random() < 0.5:
                ratings.append(
                    {
                        "session_id": session["id"],
                        "candidate_id": session["candidate_id"],
                        "interviewer_id": session["interviewer_id"],
                        "score": self.random.choice((3, 4, 4, 5, 5)),
                        "created_at": submitted + timedelta(hours=12),
                    }
                )
        self._copy(Evaluation, evaluations)
        self._copy(DimensionScore, scores)
        self._copy(InterviewerRating, ratings)
        self.log(f"evaluations: {len(evaluations)} submitted, {len(scores)} scores, {len(ratings)} ratings")

    # -- match requests -------------------------------------------------------------------------

    def _match_requests(self) -> None:
        """Open requests of distinct candidates, one to three windows of one to four hours each in
        the next four weeks."""
        count = self.n // 4
        weight = self.candidate_weight / self.candidate_weight.sum()
        who = self.rng.choice(self.n, size=count, replace=False, p=weight)
        requests, windows = [], []
        for k, candidate in enumerate(who):
            requests.append(
                {
                    "id": k + 1,
                    "candidate_id": int(candidate) + 1,
                    "target_level": LEVELS[self.target[candidate]],
                    "company_type": COMPANY_TYPES[self.company[candidate]],
                    "created_at": self.now - timedelta(minutes=self.random.randint(5, 72 * 60)),
                }
            )
            for _ in range(self.random.randint(1, 3)):
                start = self._at(self.hour0 + self.random.randint(24, FUTURE_WEEKS * 168 - 8))
                windows.append(
                    {
                        "request_id": k + 1,
                        "start": start,
                        "end": start + timedelta(hours=self.random.randint(1, 4)),
                    }
                )
        self._copy(MatchRequest, requests)
        self._copy(MatchWindow, windows)
        self.log(f"match requests: {len(requests)} open, {len(windows)} windows")
