"""The outbox: every message owed, written in the transaction of its cause."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """A message the platform owes someone, written in the same transaction as its cause.

    The dispatcher (a periodic task) claims due rows, sends, and marks them sent; a row is
    sent at most once. `kind` names a registered message kind (interviews.notifications.kinds):
    the part that causes the message says what it shows and whether it is still owed.
    `sequence` is the session's sequence when the row was written, so a second reschedule
    owes a second reschedule message.
    """

    # The member it is for; none for an account e-mail to an address nobody holds (e.g. a password
    # reset asked for an unknown address), which goes to `to_email`.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages", null=True, blank=True
    )
    to_email = models.EmailField(blank=True)
    kind = models.CharField(max_length=32)
    # A message rendered when it was owed (account e-mails: subject, body, html), sent as stored.
    payload = models.JSONField(null=True, blank=True)
    session = models.ForeignKey(
        "interviews.Session", on_delete=models.CASCADE, related_name="messages", null=True, blank=True
    )
    match_request = models.ForeignKey(
        "interviews.MatchRequest", on_delete=models.CASCADE, related_name="messages", null=True, blank=True
    )
    sequence = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    MAX_ATTEMPTS = 8

    class Meta:
        ordering = ("next_attempt_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "recipient", "kind", "sequence"],
                name="one_message_per_session_recipient_kind",
            )
        ]
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(sent_at__isnull=True, withdrawn_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} to {self.recipient or self.to_email} ({self.state})"

    @property
    def kind_label(self) -> str:
        from interviews.notifications.kinds import kind_label

        return kind_label(self.kind)

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        if self.withdrawn_at:
            return "withdrawn"
        if self.attempts >= self.MAX_ATTEMPTS:
            return "given up"
        if self.attempts:
            return "failing"
        return "due" if self.due_at <= timezone.now() else "scheduled"
