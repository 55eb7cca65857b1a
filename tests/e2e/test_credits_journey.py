from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from interviews.sessions.models import Session
from rubrics.selectors import rubric_current
from tests.e2e.conftest import go, sign_in
from tests.factories import PASSWORD, InterviewerFactory, SessionFactory, SlotFactory, UserFactory


def test_a_new_member_books_on_starter_credits_runs_out_interviews_and_books_again(new_page):
    ivan = InterviewerFactory(email="ivan.credits@example.com", display_name="Ivan Ito", sessions_per_week=10)
    nora = UserFactory(
        email="nora.credits@example.com", display_name="Nora Novak", time_zone="UTC",
        is_interviewer=True, interviewer_level="L4", company_experience="both", sessions_per_week=3,
    )  # fmt: skip
    carl = UserFactory(email="carl.credits@example.com", display_name="Carl Cho", target_level="L4")
    base = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    for hour in (0, 2, 4):
        SlotFactory(interviewer=ivan, start=base + timedelta(hours=hour))
    # A session Nora gave Carl yesterday, waiting for her rubric.
    given = SessionFactory(
        candidate=carl,
        slot=SlotFactory(
            interviewer=nora, start=timezone.now().replace(second=0, microsecond=0) - timedelta(hours=3)
        ),
        status="completed",
    )

    page = new_page()
    sign_in(page, nora.email, PASSWORD)
    go(page, "Find a slot")
    expect(page.get_by_text("A session costs 10 credits.")).to_be_visible()
    expect(page.locator("#credits-note")).to_contain_text("You have 20")
    for _ in range(2):
        _book_first_slot(page)
        go(page, "Find a slot")
    expect(page.locator("#credits-note")).to_contain_text("You have 0")
    expect(page.locator("#credits-note")).to_contain_text("Interview another member to earn")
    page.locator("a.slot-chip").first.click()  # the review step says it too, and offers no Confirm
    expect(page.get_by_text("Your balance is too low to book.")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm booking")).to_have_count(0)
    # (Booking now answers 409 with that explanation: tests/interviews/test_credits.py.)
    assert Session.objects.filter(candidate=nora).count() == 2

    page.goto(f"/sessions/{given.pk}/evaluation/")
    for dimension in rubric_current().dimensions.all():
        page.locator(f"label[for='id_score_{dimension.key}_3']").click()
    page.get_by_role("radio", name="L4", exact=True).check()
    page.get_by_role("radio", name="Yes", exact=True).check()
    page.get_by_label("What went well").fill("Clear framing of the objective and a solid baseline model.")
    page.get_by_label("What to improve").fill("Go deeper on labelling: delayed labels and position bias.")
    page.get_by_role("button", name="Submit evaluation").click()
    expect(page.get_by_text("Evaluation submitted.")).to_be_visible()
    assert User.objects.get(pk=nora.pk).credit_balance == 10

    page.goto("/profile/")
    expect(page.get_by_test_id("credit-balance")).to_have_text("10")
    expect(page.get_by_text("Interviewed someone")).to_be_visible()
    go(page, "Find a slot")
    _book_first_slot(page)
    assert Session.objects.filter(candidate=nora).count() == 3
    assert User.objects.get(pk=nora.pk).credit_balance == 0


def _book_first_slot(page) -> None:
    """Through the week view and the review step, as a member books."""
    page.locator("a.slot-chip").first.click()
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_text("Booked!")).to_be_visible()
