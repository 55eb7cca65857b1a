"""The interview room in two browsers, served as in production (ASGI, PostgreSQL, Redis): ivan and
cara enter; ivan runs the clock and reveals the prompt and a fact, cara sees them; cara draws a
box, ivan sees it; ivan logs help and tags a note; after the end ivan's rubric starts from what
he logged, and cara's feedback shows the board and the timeline."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from interviews.sessions.models import Session
from rubrics.selectors import rubric_current
from rubrics.services import evaluation_save
from tests.e2e.test_every_page import SHOTS
from tests.factories import InterviewerFactory, SessionFactory, SlotFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def people(asgi_servers, browser):
    (base,) = asgi_servers(1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    contexts, errors = [], []

    def open_page(user, viewport=(1280, 800)):
        """A browser signed in as `user` (the web processes check passwords with the real hasher,
        the tests hash them fast: the session cookie is made here instead)."""
        client = Client()
        client.force_login(user)
        context = browser.new_context(base_url=base, viewport={"width": viewport[0], "height": viewport[1]})
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert errors == []  # no CSP violation, no broken script


def _box_count(page) -> int:
    return page.evaluate(
        "() => window.peerloopBoard.api.getSceneElements().filter(e => e.type === 'rectangle').length"
    )


def test_an_interview_in_the_room(people, full_data):
    ivan = InterviewerFactory(email="ivan.room@example.com", display_name="Ivan Ives")
    cara = UserFactory(email="cara.room@example.com", display_name="Cara Cruz")
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=10)
    session = SessionFactory(candidate=cara, slot=SlotFactory(interviewer=ivan, start=start))
    fact = session.question.facts()[0]

    interviewer, candidate = people(ivan), people(cara)
    interviewer.goto(f"/sessions/{session.pk}/")
    interviewer.get_by_role("link", name="Join the room").click()
    candidate.goto(f"/sessions/{session.pk}/room/")
    for page, other in ((interviewer, "Cara Cruz"), (candidate, "Ivan Ives")):
        expect(page.locator("#presence")).to_contain_text(other)
        expect(page.locator("#board-status")).to_have_text("Connected")
    expect(candidate.locator("#prompt-waiting")).to_be_visible()

    interviewer.get_by_role("button", name="Start", exact=True).click()
    expect(candidate.locator("#clock-phase")).to_contain_text("1. Clarify and frame")
    interviewer.get_by_role("button", name="Reveal the prompt").click()
    expect(candidate.locator("#prompt-text")).to_have_text(session.question.prompt)
    interviewer.locator('[data-action="reveal_fact"][data-fact="0"]').click()
    expect(candidate.locator("#facts")).to_contain_text(fact["value"])

    candidate.wait_for_function("() => window.peerloopBoard && window.peerloopBoard.api")
    interviewer.wait_for_function("() => window.peerloopBoard && window.peerloopBoard.api")
    canvas = candidate.locator("#board canvas.interactive")
    box = canvas.bounding_box()
    candidate.mouse.click(box["x"] + 600, box["y"] + 300)  # focus the board
    candidate.keyboard.press("r")  # the rectangle tool
    candidate.mouse.move(box["x"] + 300, box["y"] + 150)  # clear of the properties panel
    candidate.mouse.down()
    candidate.mouse.move(box["x"] + 480, box["y"] + 260, steps=8)
    candidate.mouse.up()
    assert _box_count(candidate) == 1
    interviewer.wait_for_function(
        "() => window.peerloopBoard.api.getSceneElements().some(e => e.type === 'rectangle')"
    )

    for kind, presses in (("Unprompted hint", 2), ("Guidance", 1)):
        for _ in range(presses):
            interviewer.get_by_role("button", name=kind).click()
    expect(interviewer.locator('[data-count="hint"]')).to_have_text("2")
    expect(interviewer.locator('[data-count="guidance"]')).to_have_text("1")
    dimension = rubric_current().dimensions.first()
    interviewer.get_by_label("Note").fill("Clarified the objective before any model talk.")
    interviewer.get_by_label("Rubric dimension").select_option(dimension.key)
    interviewer.get_by_role("button", name="Add note").click()
    expect(interviewer.locator("#notes-list")).to_contain_text("Clarified the objective")
    expect(candidate.locator("body")).not_to_contain_text("Clarified the objective")
    interviewer.screenshot(path=SHOTS / "room-ivan-1280.png", full_page=True)
    candidate.screenshot(path=SHOTS / "room-cara-1280.png", full_page=True)
    candidate.close()  # leaving stores the board

    # The hour is over.
    Session.objects.filter(pk=session.pk).update(
        start=timezone.now() - timedelta(minutes=61), end=timezone.now() - timedelta(minutes=1)
    )
    interviewer.goto(f"/sessions/{session.pk}/evaluation/")
    expect(interviewer.locator("#id_hints")).to_have_value("2")
    expect(interviewer.locator("#id_guidance")).to_have_value("1")
    expect(interviewer.locator("#room-prefill")).to_contain_text("From the room")
    expect(interviewer.locator(f"#id_evidence_{dimension.key}")).to_have_value(
        "Clarified the objective before any model talk."
    )
    evaluation_save(
        session=session, interviewer=ivan, data={**full_data, "hints": 2, "guidance": 1}, submit=True
    )

    reader = people(cara)
    reader.goto(f"/sessions/{session.pk}/")
    board = reader.get_by_role("img", name="The whiteboard as the session left it")
    expect(board).to_be_visible()
    board.scroll_into_view_if_needed()  # it loads lazily
    reader.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=board.element_handle())
    svg = reader.request.get(f"/sessions/{session.pk}/room/board.svg").text()
    assert "<rect" in svg
    expect(reader.locator(".timeline")).to_contain_text("Prompt revealed")
    expect(reader.locator(".timeline")).to_contain_text(f"Fact revealed: {fact['label']}")
    expect(reader.locator(".timeline")).to_contain_text("Unprompted hint")
    reader.screenshot(path=SHOTS / "room-record-1280.png", full_page=True)


def test_the_room_on_a_phone(people):
    ivan = InterviewerFactory(email="ivan.phone@example.com", display_name="Ivan Ives")
    cara = UserFactory(email="cara.phone@example.com", display_name="Cara Cruz")
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=5)
    session = SessionFactory(candidate=cara, slot=SlotFactory(interviewer=ivan, start=start))
    for user in (ivan, cara):
        page = people(user, viewport=(390, 844))
        page.goto(f"/sessions/{session.pk}/room/")
        expect(page.locator("#board-status")).to_have_text("Connected")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=SHOTS / f"room-{user.display_name.split()[0].lower()}-390.png", full_page=True)
