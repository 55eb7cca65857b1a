"""The interview room without sockets: who may enter and when, the interviewer's actions and
their rules (page, API and service alike), the clock, what each side sees, and how the room's
log reaches the rubric and the session page."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.errors import Conflict
from interviews.room.models import RoomBoard, RoomEvent, RoomNote
from interviews.room.selectors import room_record, room_state
from interviews.room.services import room_act
from interviews.sessions.models import SessionStatus
from rubrics.services import evaluation_save
from tests.factories import SessionFactory, SlotFactory


def _session(candidate, interviewer, *, starts_in=timedelta(minutes=5), **fields):
    start = timezone.now().replace(microsecond=0) + starts_in
    return SessionFactory(
        candidate=candidate, slot=SlotFactory(interviewer=interviewer, start=start), **fields
    )


@pytest.fixture
def live(candidate, interviewer):
    """A session starting in five minutes: its room is open."""
    return _session(candidate, interviewer)


def _act(session, user, action, **data):
    room_act(user=user, session_id=session.pk, action=action, data=data)


class TestWhoAndWhen:
    def test_the_two_people_enter_while_it_is_open(self, client, live, candidate, interviewer):
        for user in (candidate, interviewer):
            client.force_login(user)
            page = client.get(reverse("session-room", args=[live.pk]))
            assert page.status_code == 200
            assert b'id="board"' in page.content
            assert live.video_url.encode() in page.content

    def test_everyone_else_gets_404(self, client, live, outsider):
        client.force_login(outsider)
        assert client.get(reverse("session-room", args=[live.pk])).status_code == 404
        assert client.get(reverse("session-board", args=[live.pk])).status_code == 404

    def test_an_anonymous_visitor_is_sent_to_sign_in(self, client, live):
        page = client.get(reverse("session-room", args=[live.pk]))
        assert page.status_code == 302 and "/accounts/login/" in page["Location"]

    def test_a_cancelled_session_has_no_room(self, client, candidate, interviewer):
        session = _session(candidate, interviewer, status=SessionStatus.CANCELLED)
        client.force_login(candidate)
        assert client.get(reverse("session-room", args=[session.pk])).status_code == 404

    def test_before_the_window_the_page_says_when_it_opens(self, client, candidate, interviewer):
        session = _session(candidate, interviewer, starts_in=timedelta(minutes=16))
        client.force_login(candidate)
        page = client.get(reverse("session-room", args=[session.pk]))
        assert page.status_code == 200
        assert b"The room opens at" in page.content and b'id="board"' not in page.content
        assert session.room_is_open(session.start - timedelta(minutes=15))

    def test_two_hours_after_the_end_it_closes(self, client, candidate, interviewer):
        session = _session(candidate, interviewer, starts_in=-timedelta(hours=3, minutes=1))
        client.force_login(interviewer)
        page = client.get(reverse("session-room", args=[session.pk]))
        assert b"The room closed at" in page.content
        assert session.room_is_open(session.end + timedelta(hours=2) - timedelta(seconds=1))
        with pytest.raises(Conflict, match="closed"):
            _act(session, interviewer, "reveal_prompt")

    def test_the_session_page_and_my_sessions_link_to_the_open_room(self, client, live, candidate):
        client.force_login(candidate)
        room_url = reverse("session-room", args=[live.pk]).encode()
        assert room_url in client.get(reverse("session-detail", args=[live.pk])).content
        assert room_url in client.get(reverse("my-sessions")).content
        assert room_url in client.get(reverse("home")).content


class TestActions:
    def test_only_the_interviewer_acts(self, live, candidate, outsider):
        with pytest.raises(PermissionDenied):
            _act(live, candidate, "reveal_prompt")
        from django.http import Http404

        with pytest.raises(Http404):
            _act(live, outsider, "reveal_prompt")
        assert not RoomEvent.objects.exists()

    def test_the_prompt_is_hidden_from_the_candidate_until_revealed(self, live, candidate, interviewer):
        assert room_state(live, candidate)["prompt"] == ""
        assert room_state(live, interviewer)["prompt"] == live.question.prompt
        _act(live, interviewer, "reveal_prompt")
        assert room_state(live, candidate)["prompt"] == live.question.prompt
        with pytest.raises(Conflict, match="already revealed"):
            _act(live, interviewer, "reveal_prompt")

    def test_facts_reach_the_candidate_one_by_one(self, live, candidate, interviewer):
        facts = live.question.facts()
        assert len(facts) >= 2
        assert room_state(live, candidate)["facts"] == []
        _act(live, interviewer, "reveal_fact", fact=1)
        seen = room_state(live, candidate)["facts"]
        assert [(f["label"], f["value"]) for f in seen] == [(facts[1]["label"], facts[1]["value"])]
        assert len(room_state(live, interviewer)["facts"]) == len(facts)
        for bad in (len(facts), -1, "1", True, None):
            with pytest.raises(ValidationError):
                _act(live, interviewer, "reveal_fact", fact=bad)
        with pytest.raises(Conflict):
            _act(live, interviewer, "reveal_fact", fact=1)

    def test_the_clock_runs_pauses_and_shows_overtime(self, live, interviewer):
        phases = live.question.phases()
        t0 = timezone.now()
        room_act(user=interviewer, session_id=live.pk, action="start", now=t0)
        with pytest.raises(Conflict, match="already started"):
            room_act(user=interviewer, session_id=live.pk, action="start", now=t0)
        first = phases[0]["minutes"] * 60
        room_act(user=interviewer, session_id=live.pk, action="pause", now=t0 + timedelta(seconds=60))
        with pytest.raises(Conflict, match="not running"):
            room_act(user=interviewer, session_id=live.pk, action="pause", now=t0 + timedelta(seconds=70))
        room_act(user=interviewer, session_id=live.pk, action="resume", now=t0 + timedelta(seconds=600))
        later = t0 + timedelta(seconds=600 + first)  # paused 540 s: 60 + first seconds in phase 1
        clock = room_state(live, interviewer, now=later)["clock"]
        assert clock["phase"] == 0 and clock["running"]
        assert clock["phases"][0]["seconds"] == 60 + first
        assert clock["phases"][0]["over"]
        room_act(user=interviewer, session_id=live.pk, action="next", now=later)
        clock = room_state(live, interviewer, now=later + timedelta(seconds=30))["clock"]
        assert clock["phase"] == 1 and clock["phases"][1]["seconds"] == 30 and not clock["phases"][1]["over"]

    def test_help_is_logged_in_its_phase_and_undone_within_a_minute(self, live, interviewer):
        t0 = timezone.now()
        room_act(user=interviewer, session_id=live.pk, action="start", now=t0)
        room_act(user=interviewer, session_id=live.pk, action="log", data={"kind": "hint"}, now=t0)
        room_act(user=interviewer, session_id=live.pk, action="next", now=t0 + timedelta(seconds=5))
        room_act(user=interviewer, session_id=live.pk, action="log", data={"kind": "guidance"}, now=t0)
        hint, guidance = RoomEvent.objects.filter(kind__in=["hint", "guidance"]).order_by("pk")
        assert (hint.phase, guidance.phase) == (0, 1)
        with pytest.raises(Conflict, match="a minute"):
            room_act(
                user=interviewer, session_id=live.pk, action="undo", data={"event": hint.pk},
                now=t0 + timedelta(seconds=61),
            )  # fmt: skip
        room_act(
            user=interviewer, session_id=live.pk, action="undo", data={"event": guidance.pk},
            now=t0 + timedelta(seconds=59),
        )  # fmt: skip
        assert room_state(live, interviewer)["counts"] == {"hints": 1, "guidance": 0, "clarifications": 0}
        with pytest.raises(ValidationError):
            _act(live, interviewer, "log", kind="praise")

    def test_notes_are_private_and_tagged_only_with_rubric_dimensions(
        self, live, candidate, interviewer, rubric
    ):
        key = rubric.dimensions.first().key
        _act(live, interviewer, "note", text="  Asked about label delay first. ", dimension=key)
        with pytest.raises(ValidationError, match="dimensions"):
            _act(live, interviewer, "note", text="x", dimension="charisma")
        for text in ("", "   ", "x" * 2001, 42):
            with pytest.raises(ValidationError):
                _act(live, interviewer, "note", text=text)
        note = RoomNote.objects.get()
        assert note.text == "Asked about label delay first."
        assert "notes" not in room_state(live, candidate)
        assert room_state(live, interviewer)["notes"][0]["dimension_title"] == rubric.dimensions.first().title
        _act(live, interviewer, "delete_note", note=note.pk)
        assert not RoomNote.objects.exists()

    def test_an_unknown_action_is_a_validation_error(self, live, interviewer):
        with pytest.raises(ValidationError, match="Unknown action"):
            _act(live, interviewer, "explode")


class TestApi:
    def test_state_and_actions_over_rest(self, api_client, live, candidate, interviewer, outsider):
        url = reverse("api-room", args=[live.pk])
        actions = reverse("api-room-actions", args=[live.pk])
        api_client.force_authenticate(interviewer)
        answer = api_client.post(actions, {"action": "reveal_fact", "fact": 0}, format="json")
        assert answer.status_code == 200
        assert answer.json()["facts"][0]["revealed_at"] is not None
        assert (
            api_client.post(actions, {"action": "reveal_fact", "fact": 0}, format="json").status_code == 409
        )
        assert (
            api_client.post(actions, {"action": "reveal_fact", "fact": 999}, format="json").status_code == 400
        )
        assert api_client.post(actions, {"action": "nope"}, format="json").status_code == 400
        api_client.force_authenticate(candidate)
        refused = api_client.post(actions, {"action": "reveal_prompt"}, format="json")
        assert refused.status_code == 403 and "interviewer" in refused.json()["detail"]
        state = api_client.get(url).json()
        assert state["role"] == "candidate" and len(state["facts"]) == 1 and "notes" not in state
        api_client.force_authenticate(outsider)
        assert api_client.get(url).status_code == 404
        assert api_client.post(actions, {"action": "start"}, format="json").status_code == 404


class TestIntoTheRubric:
    @pytest.fixture
    def ended(self, candidate, interviewer):
        """A session that ended 10 minutes ago, whose room saw a whole interview."""
        session = _session(candidate, interviewer, starts_in=-timedelta(minutes=70))
        t0 = session.start + timedelta(minutes=1)
        for offset, action, data in [
            (0, "start", {}),
            (1, "reveal_prompt", {}),
            (3, "reveal_fact", {"fact": 0}),
            (4, "log", {"kind": "hint"}),
            (5, "log", {"kind": "hint"}),
            (9, "next", {}),
            (12, "log", {"kind": "guidance"}),
        ]:
            room_act(
                user=interviewer,
                session_id=session.pk,
                action=action,
                data=data,
                now=t0 + timedelta(minutes=offset),
            )
        return session

    def test_the_rubric_form_is_prefilled_and_says_so(self, client, ended, interviewer, rubric):
        key = rubric.dimensions.first().key
        _act(ended, interviewer, "note", text="Framed it as ranking.", dimension=key)
        client.force_login(interviewer)
        page = client.get(reverse("evaluation-form", args=[ended.pk])).content.decode()
        assert 'name="hints" value="2"' in page and 'name="guidance" value="1"' in page
        assert "From the room: you logged 2 unprompted hints, 1 guidance" in page
        assert "Framed it as ranking." in page and "Prefilled from your tagged notes" in page

    def test_the_evaluation_keeps_the_phases_and_timeline(
        self, ended, interviewer, candidate, client, full_data
    ):
        evaluation = evaluation_save(session=ended, interviewer=interviewer, data=full_data, submit=True)
        record = evaluation.room_record
        first, second = record["phases"][:2]
        assert (first["hints"], first["seconds"]) == (2, 9 * 60)
        assert second["guidance"] == 1
        labels = [entry["label"] for entry in record["timeline"]]
        assert labels[1] == "Prompt revealed" and labels[2].startswith("Fact revealed: ")
        assert [entry["minute"] for entry in record["timeline"]] == [0, 1, 3, 4, 5, 9, 12]
        client.force_login(candidate)
        page = client.get(reverse("session-detail", args=[ended.pk])).content.decode()
        assert "Timeline" in page and "Unprompted hint" in page

    def test_the_candidate_sees_no_timeline_before_the_release(self, ended, candidate, client):
        client.force_login(candidate)
        assert "Timeline" not in client.get(reverse("session-detail", args=[ended.pk])).content.decode()
        assert room_record(ended)["counts"] == {"hints": 2, "guidance": 1, "clarifications": 0}


class TestBoardImage:
    def test_the_board_is_an_image_that_can_run_nothing(self, client, live, candidate):
        RoomBoard.objects.create(session=live, document=b"")
        client.force_login(candidate)
        image = client.get(reverse("session-board", args=[live.pk]))
        assert image.status_code == 200
        assert image["Content-Type"].startswith("image/svg+xml")
        assert (
            "sandbox" in image["Content-Security-Policy"]
            and "default-src 'none'" in image["Content-Security-Policy"]
        )
        assert image["X-Content-Type-Options"] == "nosniff"


class TestBoardStore:
    def test_saves_append_and_fold_into_the_document_without_losing_a_stroke(self, live):
        from pycrdt import Array, Doc

        from interviews.room.models import RoomBoardUpdate
        from interviews.room.selectors import board_drawn, board_for
        from interviews.room.services import COMPACT_AFTER, board_save

        doc, updates = Doc(), []
        doc.observe(lambda event: updates.append(event.update))
        strokes = doc.get("elements", type=Array)
        assert not board_drawn(live)
        for n in range(COMPACT_AFTER + 3):
            strokes.append(f"stroke {n}")
            board_save(session_id=live.pk, updates=[updates[-1]])
        assert RoomBoardUpdate.objects.filter(session=live).count() == 3  # the first 50 were folded in
        assert RoomBoard.objects.get(session=live).document
        restored = Doc()
        restored.apply_update(board_for(live))
        assert list(restored.get("elements", type=Array)) == [f"stroke {n}" for n in range(COMPACT_AFTER + 3)]
        assert board_drawn(live)
