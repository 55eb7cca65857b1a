from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from interviews.matching.models import MatchRequest
from interviews.matching.services import matching_round
from tests.e2e.conftest import go, sign_in
from tests.factories import PASSWORD, InterviewerFactory, SlotFactory, UserFactory


def test_a_candidate_requests_a_match_and_a_round_books_it(new_page):
    sam = UserFactory(
        email="sam.match@example.com", display_name="Sam Stone", time_zone="Europe/London",
        current_level="L4", target_level="L5", target_company_type="startup",
    )  # fmt: skip
    ivan = InterviewerFactory(
        email="ivan.match@example.com", display_name="Ivan Ito", time_zone="Europe/Berlin"
    )
    day = (timezone.now() + timedelta(days=3)).astimezone(sam.zone).date()
    slot_start = timezone.datetime.combine(day, timezone.datetime.min.time(), tzinfo=sam.zone) + timedelta(
        hours=19
    )
    slot = SlotFactory(interviewer=ivan, start=slot_start)

    candidate = new_page()
    sign_in(candidate, sam.email, PASSWORD)
    go(candidate, "Request a match")
    expect(candidate.get_by_text("No requests yet.")).to_be_visible()
    expect(candidate.get_by_label("Target level")).to_have_value("L5")
    candidate.locator("#id_day_0").fill(day.isoformat())
    candidate.locator("#id_from_0").fill("18:00")
    candidate.locator("#id_to_0").fill("21:00")
    candidate.get_by_label("Note (optional)").fill("Fraud detection would be great.")
    candidate.get_by_role("button", name="Request a match").click()
    expect(candidate.get_by_text("Request sent.")).to_be_visible()
    expect(candidate.get_by_text("Waiting for a match")).to_be_visible()

    assert matching_round()["booked"] == 1  # the beat's round, run now

    candidate.reload()
    expect(candidate.get_by_text("Matched", exact=True)).to_be_visible()
    candidate.get_by_role("link", name=f"Session with Ivan Ito, {slot_start:%a %-d %b}, 19:00").click()
    expect(candidate.get_by_role("heading", name="Mock interview with Ivan Ito")).to_be_visible()
    go(candidate, "My sessions")
    expect(candidate.get_by_text("Interviewed by Ivan Ito")).to_be_visible()

    interviewer = new_page()
    sign_in(interviewer, ivan.email, PASSWORD)
    go(interviewer, "My sessions")
    expect(interviewer.get_by_text("Interviewing Sam Stone")).to_be_visible()
    assert MatchRequest.objects.get().session.slot == slot
