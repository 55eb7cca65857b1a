"""The interview room's page, and the board as a read-only image."""

from csp.decorators import csp_exempt
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from interviews.room.board import board_elements, board_svg
from interviews.room.hooks import hooks
from interviews.room.models import INTERVENTIONS
from interviews.room.selectors import board_for, room_session, room_state
from interviews.sessions.models import ROOM_CLOSES_AFTER, ROOM_OPENS_BEFORE


@login_required
def room_page(request, pk: int):
    """The room: the video link, who is here, the phase clock, the board and what the interviewer
    revealed; the interviewer also has the guide, the clock's controls, the help buttons and
    private notes. Outside its hours it says when it opens, or where its record went."""
    session = room_session(request.user, pk)
    now = timezone.now()
    context = {
        "session": session,
        "role": session.role_of(request.user),
        "other": session.other_party(request.user),
        "is_open": session.room_is_open(now),
        "opens_at": session.start - ROOM_OPENS_BEFORE,
        "closes_at": session.end + ROOM_CLOSES_AFTER,
        "early": now < session.start - ROOM_OPENS_BEFORE,
    }
    if context["is_open"]:
        question = session.question
        context.update(
            state=room_state(session, request.user, now),
            interventions=[(str(kind), kind.label) for kind in INTERVENTIONS],
        )
        if context["role"] == "interviewer":
            context.update(
                question=question,
                phases=question.phases(),
                follow_ups=question.follow_ups_by_family(),
                signals=question.signals_by_level([session.target_level]),
                dimensions=hooks.note_dimensions(session),
            )
    return render(request, "interviews/room.html", context)


@login_required
@csp_exempt()  # the policy set below is this response's whole policy
def board_image(request, pk: int):
    """The board as an SVG image, for the session's two people. Built from the stored document by
    our own renderer (numbers, checked colours, escaped text), and served so that even a crafted
    file could run nothing: no script, no outside fetches, sandboxed, never sniffed as HTML."""
    session = room_session(request.user, pk)
    try:
        elements = board_elements(board_for(session))
    except ValueError:
        elements = []
    response = HttpResponse(board_svg(elements), content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response
