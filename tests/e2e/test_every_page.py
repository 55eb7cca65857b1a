"""Every main page at a desktop and a phone width, as the demo's members see it: nothing wider than
the screen, no console error, no CSP violation. A screenshot of each is kept under var/screenshots/
(not committed; CI keeps it as an artifact)."""

from pathlib import Path

import pytest
from django.core.management import call_command

from config.demo.accounts import DEMO_PASSWORD
from interviews.sessions.models import Session
from rubrics.models import Evaluation
from tests.e2e.conftest import sign_in

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# Records CSP violations the page meets (they also reach the console, which new_page watches).
WATCH_CSP = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective));"
)


def _pages() -> dict[str | None, dict[str, str]]:
    cara_evaluated = (
        Evaluation.objects.filter(session__candidate__email="cara@example.com").first().session_id
    )
    ivan_next = Session.objects.filter(interviewer__email="ivan@example.com", status="scheduled").first().pk
    ivan_due = (
        Session.objects.filter(
            interviewer__email="ivan@example.com", status="completed", evaluation__isnull=True
        )
        .first()
        .pk
    )
    return {
        None: {"landing": "/", "sign-in": "/accounts/login/", "sign-up": "/accounts/signup/"},
        "cara@example.com": {
            "dashboard": "/",
            "find-a-slot": "/sessions/find/",
            "request-a-match": "/match-requests/",
            "my-sessions": "/sessions/",
            "session-with-feedback": f"/sessions/{cara_evaluated}/",
            "feedback": "/feedback/",
            "questions": "/questions/",
            "profile": "/profile/",
        },
        "ivan@example.com": {
            "interviewer-dashboard": "/",
            "availability": "/availability/",
            "interviewer-session": f"/sessions/{ivan_next}/",
            "rubric": f"/sessions/{ivan_due}/evaluation/",
        },
        "staff@example.com": {"staff-dashboard": "/", "calibration": "/staff/calibration/"},
    }


@pytest.mark.parametrize("width", [1280, 390])
def test_every_main_page_fits_the_screen_without_errors(browser, live_server, seeded_data, new_page, width):
    call_command("seed_demo", force=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for person, pages in _pages().items():
        page = new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.add_init_script(WATCH_CSP)
        if person:
            sign_in(page, person, DEMO_PASSWORD)
        for name, path in pages.items():
            response = page.goto(path)
            assert response.status == 200, (name, response.status)
            page.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} is {overflow}px wider than a {width}px screen"
            assert page.evaluate("window.__csp") == [], name
