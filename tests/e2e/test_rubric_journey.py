from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rubrics.models import Evaluation, InterviewerRating
from rubrics.selectors import rubric_current
from tests.e2e.conftest import go, sign_in
from tests.factories import PASSWORD, InterviewerFactory, SessionFactory, SlotFactory, UserFactory


def test_the_interviewer_fills_the_rubric_and_the_candidate_reads_and_rates_it(new_page):
    ivan = InterviewerFactory(email="ivan.rubric@example.com", display_name="Ivan Ives")
    cara = UserFactory(email="cara.rubric@example.com", display_name="Cara Cruz")
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=3)
    session = SessionFactory(
        candidate=cara, slot=SlotFactory(interviewer=ivan, start=start), status="completed"
    )
    dimensions = list(rubric_current().dimensions.all())

    interviewer = new_page()
    sign_in(interviewer, ivan.email, PASSWORD)
    go(interviewer, "My sessions")
    interviewer.get_by_role("link", name="Details").first.click()
    interviewer.get_by_role("link", name="Fill the rubric").click()
    expect(interviewer.get_by_role("heading", name="Rubric: Cara Cruz")).to_be_visible()
    progress = interviewer.locator("#scored-count")
    expect(progress).to_have_text("0")

    for index, dimension in enumerate(dimensions):
        score = 3 if index % 2 else 4
        interviewer.locator(f"label[for='id_score_{dimension.key}_{score}']").click()
        expect(progress).to_have_text(str(index + 1))
    expect(interviewer.locator("#draft-status")).to_contain_text("Draft saved at")  # htmx autosave

    for label, clicks in (("unprompted hints", 2), ("guidance", 1), ("clarifications you had to supply", 3)):
        for _ in range(clicks):
            interviewer.get_by_role("button", name=f"One more {label}").click()
    interviewer.get_by_role("button", name="One fewer clarifications you had to supply").click()
    interviewer.get_by_role("radio", name="L5+", exact=True).check()
    interviewer.get_by_role("radio", name="Strong yes", exact=True).check()
    interviewer.get_by_label("What went well").fill(
        "Excellent framing of the ranking objective and latency budget."
    )
    interviewer.get_by_label("What to improve").fill(
        "Discuss how implicit labels are biased by position before training."
    )
    interviewer.get_by_role("button", name="Submit evaluation").click()
    expect(interviewer.get_by_text("Evaluation submitted.")).to_be_visible()

    evaluation = Evaluation.objects.get(session=session)
    assert evaluation.is_submitted
    assert (evaluation.hints, evaluation.guidance, evaluation.clarifications) == (2, 1, 2)
    assert (evaluation.recommended_level, evaluation.verdict) == ("L5", "strong_yes")
    assert sorted(evaluation.scores.values_list("score", flat=True)) == sorted(
        3 if i % 2 else 4 for i in range(len(dimensions))
    )

    candidate = new_page()
    sign_in(candidate, cara.email, PASSWORD)
    candidate.goto(f"/sessions/{session.pk}/")
    expect(candidate.get_by_role("heading", name="Feedback from Ivan Ives")).to_be_visible()
    expect(candidate.get_by_text("Excellent framing of the ranking objective")).to_be_visible()
    expect(
        candidate.get_by_text("2 unprompted hints, 1 guidance, 2 clarifications of the problem")
    ).to_be_visible()
    expect(candidate.get_by_text(dimensions[0].anchor_4)).to_be_visible()
    candidate.get_by_role("radio", name="5", exact=True).check()
    candidate.get_by_label("Comment (optional)").fill("Concrete, kind and actionable.")
    candidate.get_by_role("button", name="Send rating").click()
    expect(candidate.get_by_text("You rated Ivan Ives's feedback 5/5")).to_be_visible()
    assert InterviewerRating.objects.get(session=session).score == 5


@pytest.mark.parametrize("debug", [True, False])
def test_autosave_and_submit_errors_show_where_the_interviewer_looks(
    new_page, settings, expected_console_errors, debug
):
    settings.DEBUG = debug
    ivan = InterviewerFactory(email="ivan.errors@example.com", display_name="Ivan Ives")
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=3)
    session = SessionFactory(slot=SlotFactory(interviewer=ivan, start=start), status="completed")
    page = new_page()
    sign_in(page, ivan.email, PASSWORD)
    page.goto(f"/sessions/{session.pk}/evaluation/")

    hints = page.get_by_role("spinbutton", name="Unprompted hints")
    hints.fill("100")
    hints.blur()
    expect(hints).to_have_value("50")  # the browser keeps a counter in range
    # A value the browser let through (an old browser, a pasted edit) is refused beside the counter.
    page.evaluate("document.getElementById('id_hints').removeAttribute('max')")
    hints.fill("120")
    hints.blur()
    expect(page.locator("#errors-hints")).to_contain_text("At most 50")
    expect(page.locator("#draft-status")).to_contain_text("Not saved")
    expect(page.get_by_role("heading", name=f"Rubric: {session.candidate.name}")).to_be_visible()

    hints.fill("2")
    hints.blur()
    expect(page.locator("#draft-status")).to_contain_text("Draft saved at")
    expect(page.locator("#errors-hints")).to_be_empty()

    expected_console_errors.append("Failed to load resource: the server responded with a status of 400")
    page.get_by_role("button", name="Submit evaluation").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("things to fix")
    summary.get_by_role("link").first.click()
    assert Evaluation.objects.get(session=session).status == "draft"
