from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.views.decorators.http import require_POST

from accounts.errors import Conflict, error_text
from accounts.models import Level
from interviews.fit import LEVELS, level_index
from interviews.room.selectors import board_drawn, room_evidence, room_record
from rubrics.charts import WIDTHS, estimate_chart, score_sparkline
from rubrics.forms import EvaluationForm, RatingForm
from rubrics.models import EVALUATION_DUE_AFTER
from rubrics.selectors import (
    calibration_overview,
    evaluation_for_user,
    evaluations_received,
    interviewer_reputation,
    placement_summary,
    questions_had,
    rubric_current,
    session_for_evaluation,
    session_for_rating,
    vetting_queue,
)
from rubrics.services import evaluation_check_open, evaluation_save, rating_submit


def _attach_errors(form: EvaluationForm, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def evaluation_form(request, pk: int):
    """The interviewer's rubric: autosaves drafts (htmx), submits once."""
    session = session_for_evaluation(request.user, pk)
    evaluation = evaluation_for_user(request.user, session)
    if evaluation is not None and evaluation.is_submitted:
        messages.info(request, "This evaluation is submitted; here it is as the candidate sees it.")
        return redirect("session-detail", pk=pk)
    try:
        evaluation_check_open(session)
    except (ValidationError, Conflict) as exc:
        messages.error(request, error_text(exc))
        return redirect("session-detail", pk=pk)

    rubric = evaluation.rubric if evaluation else rubric_current()
    room = room_record(session)
    form = EvaluationForm(
        request.POST or None,
        rubric=rubric,
        evaluation=evaluation,
        room_counts=room.get("counts"),
        room_evidence=room_evidence(session) if evaluation is None else None,
    )
    dimensions = form.dimensions
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            evaluation = evaluation_save(
                session=session, interviewer=request.user, data=form.to_service_data(), submit=submit
            )
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("session-detail", pk=pk)
        except ValidationError as exc:
            _attach_errors(form, exc)
            status = 400
        else:
            if request.htmx and not submit:
                return render(
                    request, "rubrics/_draft_status.html", {"form": form, "saved_at": timezone.now()}
                )
            if submit:
                messages.success(request, "Evaluation submitted. The candidate can read it now.")
                return redirect("session-detail", pk=pk)
            messages.success(request, "Draft saved.")
            return redirect("evaluation-form", pk=pk)
    if request.htmx and request.method == "POST":
        # The fragment is the answer, saved or not: htmx swaps it (it drops 4xx answers, and
        # django-htmx's debug handler would put them over the page), and the browser logs no error.
        return render(request, "rubrics/_draft_status.html", {"form": form})
    scored = sum(1 for d in dimensions if form[f"score_{d.key}"].value())
    return render(
        request,
        "rubrics/evaluation_form.html",
        {
            "session": session,
            "form": form,
            "evaluation": evaluation,
            "room": room,
            "room_board": board_drawn(session),
            "scored": scored,
            "total": len(dimensions),
            "due_at": session.end + EVALUATION_DUE_AFTER,
            "overdue": timezone.now() > session.end + EVALUATION_DUE_AFTER,
        },
        status=status,
    )


@login_required
@require_POST
def rate_interviewer(request, pk: int):
    session = session_for_rating(request.user, pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("session-detail", pk=pk)
    try:
        rating_submit(session=session, candidate=request.user, **form.cleaned_data)
    except (Conflict, ValidationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "Thanks! Your rating helps interviewers give better feedback.")
    return redirect("session-detail", pk=pk)


@login_required
def feedback_history(request):
    """The candidate's placement, its trend and each dimension over their latest sessions, and their
    latest evaluations: a long history costs no more than RECENT evaluations' work."""
    received = evaluations_received(request.user)
    evaluations = list(received[:RECENT])
    total = received.count() if len(evaluations) == RECENT else len(evaluations)
    context = {"evaluations": evaluations, "placement": None, "earlier": total - len(evaluations)}
    if not evaluations:
        return render(request, "rubrics/feedback_history.html", context)

    oldest_first = evaluations[::-1]
    dimensions = list(rubric_current().dimensions.all())
    scores = {e.pk: {s.dimension.key: s.score for s in e.scores.all()} for e in oldest_first}
    day = {e.pk: formats.date_format(timezone.localtime(e.session.start), "j M") for e in oldest_first}
    context["session_dates"] = list(day.values())
    summary = placement_summary(
        request.user,
        sessions={e.pk: (e.session_id, e.session.start) for e in evaluations},
        dimensions=dimensions,
        received=total,
    )
    standing_by_key = {}
    if summary["status"] == "ready":
        placement = summary["placement"]
        points = [{**point, "level_label": Level(point["level"]).label} for point in summary["trajectory"]]
        labelled = [
            {**point, "label": formats.date_format(timezone.localtime(point["session_start"]), "j M")}
            for point in points
        ]
        standing_by_key = {row["key"]: row for row in summary["standing"]}
        context.update(
            placement=placement,
            level_label=Level(placement.level).label,
            probabilities=[(Level(level).label, p) for level, p in placement.probabilities.items()],
            points=points,
            charts=[(variant, estimate_chart(labelled, width=width)) for variant, width in WIDTHS.items()],
            standing=summary["standing"],
            work_on=summary["work_on"],
            next_level=Level(LEVELS[min(level_index(placement.level) + 1, len(LEVELS) - 1)]).label,
            updating=not summary["up_to_date"],
        )
    context["dimension_rows"] = [
        {
            "title": d.title,
            "cells": [(day[e.pk], scores[e.pk].get(d.key)) for e in oldest_first],
            "chart": score_sparkline([scores[e.pk].get(d.key) for e in oldest_first]),
            "standing": standing_by_key.get(d.key),
        }
        for d in dimensions
    ]
    return render(request, "rubrics/feedback_history.html", context)


QUESTIONS_PER_PAGE = 20
RECENT = 12  # evaluations the feedback page draws and lists
CALIBRATION_PER_PAGE = 50


@login_required
def question_library(request):
    """The questions the candidate has had, each with its study pack once the feedback arrived.
    Questions they have not had stay hidden: they are the bank's value."""
    page = Paginator(questions_had(request.user), QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "rubrics/question_library.html", {"page": page})


@login_required
def staff_calibration(request):
    """Staff: each interviewer's estimated severity, use of the scale, fit, evaluations and ratings,
    those needing attention first, a page at a time; and inter-rater reliability."""
    if not request.user.is_staff:
        raise PermissionDenied("Staff only.")
    fitted, severities, flagged = calibration_overview()
    page = Paginator(severities, CALIBRATION_PER_PAGE).get_page(request.GET.get("page"))
    reputation = interviewer_reputation([s.interviewer_id for s in page.object_list])
    rows = [{"severity": s, "rating": reputation.get(s.interviewer_id)} for s in page.object_list]
    return render(
        request,
        "rubrics/staff_calibration.html",
        {
            "fit": fitted,
            "rows": rows,
            "page": page,
            "flagged": flagged,
            "queue": vetting_queue(),
        },
    )
