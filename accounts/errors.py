"""The exceptions every app may raise: this module sits at the bottom of the house."""


class Conflict(Exception):
    """The request was valid but the world changed under it (a slot just taken, a session already
    cancelled). Pages show the message; the API answers 409 with it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def error_text(exc: Exception) -> str:
    """What a page shows for a refused action: a Conflict's message, a ValidationError's messages."""
    if isinstance(exc, Conflict):
        return exc.message
    return " ".join(getattr(exc, "messages", [str(exc)]))
