"""The interview room's state: what the interviewer did and when, their notes, the shared board's
document and who is in the room. The channel layer only carries it; it lives here."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from interviews.sessions.models import Session


class RoomEventKind(models.TextChoices):
    CLOCK_START = "clock_start", "Clock started"
    PHASE_NEXT = "phase_next", "Next phase"
    PAUSE = "pause", "Clock paused"
    RESUME = "resume", "Clock resumed"
    REVEAL_PROMPT = "reveal_prompt", "Prompt revealed"
    REVEAL_FACT = "reveal_fact", "Fact revealed"
    HINT = "hint", "Unprompted hint"
    GUIDANCE = "guidance", "Guidance"
    CLARIFICATION = "clarification", "Clarification supplied"


# The help the interviewer logs with one press, and the rubric counter each one fills.
INTERVENTIONS = {
    RoomEventKind.HINT: "hints",
    RoomEventKind.GUIDANCE: "guidance",
    RoomEventKind.CLARIFICATION: "clarifications",
}
CLOCK_KINDS = (RoomEventKind.CLOCK_START, RoomEventKind.PHASE_NEXT, RoomEventKind.PAUSE, RoomEventKind.RESUME)


class RoomEvent(models.Model):
    """One thing that happened in the room, at its time and in the phase then running (none before
    the clock starts). Interventions can be undone for a minute: they keep their row, marked."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="room_events")
    kind = models.CharField(max_length=16, choices=RoomEventKind.choices)
    phase = models.PositiveSmallIntegerField(null=True, blank=True)
    fact = models.PositiveSmallIntegerField(null=True, blank=True, help_text="A revealed fact's place.")
    at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("at", "pk")
        indexes = [models.Index(fields=["session", "at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "fact"],
                condition=models.Q(kind="reveal_fact"),
                name="room_fact_revealed_once",
            ),
            models.UniqueConstraint(
                fields=["session", "kind"],
                condition=models.Q(kind__in=["reveal_prompt", "clock_start"]),
                name="room_prompt_and_clock_start_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%H:%M:%S}"


NOTE_MAX_LENGTH = 2000


class RoomNote(models.Model):
    """The interviewer's private note, optionally tagged with a rubric dimension (its key): tagged
    notes prefill that dimension's evidence."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="room_notes")
    text = models.TextField(max_length=NOTE_MAX_LENGTH)
    dimension = models.CharField(max_length=40, blank=True)
    phase = models.PositiveSmallIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("at", "pk")
        indexes = [models.Index(fields=["session", "at"])]

    def __str__(self) -> str:
        return f"Note at {self.at:%H:%M:%S}"


class RoomBoard(models.Model):
    """The shared whiteboard's Yjs document, with the strokes of its RoomBoardUpdate rows folded
    in now and then. After the room closes, document and rows are the session's read-only board."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, primary_key=True, related_name="board")
    document = models.BinaryField(default=bytes)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Board of session {self.session_id}"


class RoomBoardUpdate(models.Model):
    """Strokes saved by one connection (its updates of a second or so, merged): appending a row
    costs the same however large the board is, and takes no lock."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="board_updates")
    update = models.BinaryField()
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Board update of session {self.session_id} at {self.at:%H:%M:%S}"


class RoomPresence(models.Model):
    """One open connection to the room; a row not seen for a while is a connection that died."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="room_presence")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["session", "seen_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} in session {self.session_id}"
