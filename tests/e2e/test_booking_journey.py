from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from playwright.sync_api import expect

from interviews.sessions.models import Session
from tests.e2e.conftest import go, sign_in
from tests.factories import PASSWORD, InterviewerFactory, UserFactory


def test_an_interviewer_publishes_a_window_and_a_candidate_books_it(new_page):
    ivan = InterviewerFactory(
        email="ivan.e2e@example.com", display_name="Ivan Evans", time_zone="Europe/Berlin"
    )
    cara = UserFactory(email="cara.e2e@example.com", display_name="Cara Cole", time_zone="America/New_York")
    berlin_tomorrow = timezone.now().astimezone(ZoneInfo("Europe/Berlin")) + timedelta(days=2)
    weekday = berlin_tomorrow.strftime("%A")

    interviewer = new_page()
    sign_in(interviewer, ivan.email, PASSWORD)
    go(interviewer, "Availability")
    expect(interviewer.get_by_text("No slots in the next two weeks")).to_be_visible()
    interviewer.get_by_label("Day").select_option(label=weekday)
    interviewer.get_by_label("From").fill("09:00")
    interviewer.get_by_label("To").fill("11:00")
    interviewer.get_by_role("button", name="Add window").click()
    expect(interviewer.get_by_text("Window added")).to_be_visible()
    expect(interviewer.get_by_text(f"{weekday} 09:00–11:00")).to_be_visible()
    day_heading = berlin_tomorrow.strftime("%A %-d %B")
    expect(interviewer.get_by_role("heading", name=day_heading)).to_be_visible()
    expect(interviewer.locator(".chip", has_text="09:00").first).to_be_visible()

    candidate = new_page()
    sign_in(candidate, cara.email, PASSWORD)
    go(candidate, "Find a slot")
    # 09:00 in Berlin is 03:00 in New York (or 04:00 across a DST gap): shown in Cara's zone.
    ny_start = berlin_tomorrow.replace(hour=9, minute=0, second=0, microsecond=0).astimezone(
        ZoneInfo("America/New_York")
    )
    slot_link = candidate.get_by_role("link", name=f"{ny_start:%A %-d %B %H:%M} with Ivan Evans, best fit")
    expect(slot_link).to_be_visible()  # in the week, in Cara's zone, marked as the best fit
    slot_link.click()
    # The review step: who, when in both zones, and nothing booked until Confirm.
    expect(candidate.get_by_role("heading", name="Review your booking")).to_be_visible()
    expect(candidate.get_by_text("(Europe/Berlin)")).to_be_visible()
    assert not Session.objects.exists()
    candidate.get_by_role("button", name="Confirm booking").click()
    expect(candidate.get_by_text("Booked!")).to_be_visible()
    expect(candidate.get_by_role("heading", name="Mock interview with Ivan Evans")).to_be_visible()
    expect(candidate.get_by_text("You will meet the question in the session")).to_be_visible()

    go(candidate, "My sessions")
    expect(candidate.get_by_text("Interviewed by Ivan Evans")).to_be_visible()

    go(interviewer, "My sessions")
    expect(interviewer.get_by_text("Interviewing Cara Cole")).to_be_visible()
    interviewer.get_by_role("link", name="Details").first.click()
    expect(interviewer.get_by_role("heading", name="The question and your guide")).to_be_visible()
    expect(interviewer.get_by_role("heading", name="Fact sheet (tell only when asked)")).to_be_visible()

    session = Session.objects.get()
    assert (session.candidate, session.interviewer, session.status) == (cara, ivan, "scheduled")
