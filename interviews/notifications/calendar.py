"""Calendar files: the invite attached to e-mails, and each member's subscription feed.

They read a session's fields (start, end, sequence, people, video link); this module imports no
other part."""

from collections.abc import Iterable
from datetime import UTC
from email.utils import parseaddr
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//PeerLoop//Mock interviews//EN"


def session_uid(session) -> str:
    """Stable for the life of the session: a reschedule updates the same calendar event."""
    return f"session-{session.pk}@peerloop"


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    return address


def _event(session, *, cancelled: bool) -> Event:
    event = Event()
    event.add("uid", session_uid(session))
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.start)
    event.add("dtend", session.end)
    event.add("summary", f"ML system design mock: {session.candidate.name} with {session.interviewer.name}")
    event.add(
        "description",
        f"PeerLoop mock interview ({session.get_target_level_display()}, "
        f"{session.get_company_type_display()}).\n"
        f"Video call: {session.video_url}\nSession page: {session.site_url}",
    )
    event.add("location", session.video_url)
    event.add("url", session.video_url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    _, organizer_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    event["organizer"] = _address(organizer_email, "PeerLoop")
    for person in (session.candidate, session.interviewer):
        attendee = _address(person.email, person.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    return event


def calendar_links(session) -> dict[str, str]:
    """ "Add to Google Calendar" and "Outlook" links for a session (times in UTC), for e-mails."""
    title = f"ML system design mock: {session.candidate.name} with {session.interviewer.name}"
    details = f"Video call: {session.video_url}\nSession page: {session.site_url}"
    start, end = session.start.astimezone(UTC), session.end.astimezone(UTC)
    google = urlencode(
        {
            "action": "TEMPLATE",
            "text": title,
            "dates": f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}",
            "details": details,
            "location": session.video_url,
        }
    )
    outlook = urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": title,
            "startdt": f"{start:%Y-%m-%dT%H:%M:%SZ}",
            "enddt": f"{end:%Y-%m-%dT%H:%M:%SZ}",
            "body": details,
            "location": session.video_url,
        }
    )
    return {
        "google": f"https://calendar.google.com/calendar/render?{google}",
        "outlook": f"https://outlook.live.com/calendar/0/deeplink/compose?{outlook}",
    }


def _calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def session_invite(session, *, cancelled: bool = False) -> bytes:
    """METHOD:REQUEST for a booked or moved session, METHOD:CANCEL for a cancelled one."""
    calendar = _calendar("CANCEL" if cancelled else "REQUEST")
    calendar.add_component(_event(session, cancelled=cancelled))
    return calendar.to_ical()


def calendar_feed(entries: Iterable[tuple], *, name: str) -> bytes:
    """A subscription feed of (session, cancelled) entries."""
    calendar = _calendar(None)
    calendar.add("x-wr-calname", name)
    for session, cancelled in entries:
        calendar.add_component(_event(session, cancelled=cancelled))
    return calendar.to_ical()
