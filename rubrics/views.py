from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.errors import Conflict
from interviews.selectors import session_for_user
from rubrics.forms import EvaluationForm, RatingForm
from rubrics.models import EVALUATION_DUE_AFTER
from rubrics.selectors import evaluation_for_user, rubric_current
from rubrics.services import evaluation_check_open, evaluation_save, rating_submit


def _attach_errors(form: EvaluationForm, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def evaluation_form(request, pk: int):
    """The interviewer's rubric: autosaves drafts (htmx), submits once."""
    session = session_for_user(request.user, pk)
    if session.interviewer_id != request.user.pk:
        raise Http404("Only the interviewer fills the rubric.")
    evaluation = evaluation_for_user(request.user, session)
    if evaluation is not None and evaluation.is_submitted:
        messages.info(request, "This evaluation is submitted; here it is as the candidate sees it.")
        return redirect("session-detail", pk=pk)
    try:
        evaluation_check_open(session)
    except (ValidationError, Conflict) as exc:
        messages.error(request, exc.message if isinstance(exc, Conflict) else " ".join(exc.messages))
        return redirect("session-detail", pk=pk)

    rubric = evaluation.rubric if evaluation else rubric_current()
    dimensions = list(rubric.dimensions.all())
    form = EvaluationForm(request.POST or None, dimensions=dimensions, evaluation=evaluation)
    status = 200
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
                return render(request, "rubrics/_draft_status.html", {"saved_at": timezone.now()})
            if submit:
                messages.success(request, "Evaluation submitted. The candidate can read it now.")
                return redirect("session-detail", pk=pk)
            messages.success(request, "Draft saved.")
            return redirect("evaluation-form", pk=pk)
    if request.htmx and request.method == "POST":
        return render(request, "rubrics/_draft_status.html", {"errors": form.errors}, status=status)
    scored = sum(1 for d in dimensions if form[f"score_{d.key}"].value())
    return render(
        request,
        "rubrics/evaluation_form.html",
        {
            "session": session,
            "form": form,
            "evaluation": evaluation,
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
    session = session_for_user(request.user, pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("session-detail", pk=pk)
    try:
        rating_submit(session=session, candidate=request.user, **form.cleaned_data)
    except Conflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Thanks! Your rating helps interviewers give better feedback.")
    return redirect("session-detail", pk=pk)
