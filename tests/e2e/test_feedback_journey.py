from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Level
from config.demo.accounts import DEMO_PASSWORD
from interviews.fit import LEVELS
from rubrics.models import Placement
from tests.e2e.conftest import go, sign_in


def test_cara_opens_her_feedback_history_and_sees_placement_chart_and_evaluations(new_page):
    call_command("seed_demo", force=True)  # cara's three evaluated sessions, fitted
    placement = Placement.objects.get(candidate__email="cara@example.com")
    next_level = Level(LEVELS[LEVELS.index(placement.level) + 1]).label  # cara is below L5+

    page = new_page()
    sign_in(page, "cara@example.com", DEMO_PASSWORD)
    go(page, "Feedback")
    card = page.locator(".placement-card")
    expect(
        card.get_by_role("heading", name=f"Estimated level: {placement.get_level_display()}")
    ).to_be_visible()
    expect(card).to_contain_text("likely, from 3 evaluations")
    expect(card.get_by_role("heading", name=f"What to work on for {next_level}")).to_be_visible()
    expect(card.locator(".work-on li").first).to_contain_text(f"At {next_level}:")

    chart = page.get_by_role("img", name="Your estimate over time")
    expect(chart).to_be_visible()
    expect(chart.locator("circle.point")).to_have_count(3)
    expect(
        page.get_by_role("table").filter(has_text="Estimate after each evaluation").locator("tbody tr")
    ).to_have_count(3)

    evaluations = page.locator(".evaluation-list li")
    expect(evaluations).to_have_count(3)
    evaluations.first.get_by_role("link", name="Read feedback").click()
    expect(page.get_by_role("heading", name="Feedback from Ivan Interviewer")).to_be_visible()
