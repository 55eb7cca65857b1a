class Conflict(Exception):
    """The request was valid but the world changed under it (a slot just taken, a session already
    cancelled). Pages show the message; the API answers 409 with it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
