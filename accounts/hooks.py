"""Facts a lower layer needs from a layer above it, without importing it.

The lower layer declares a Hooks subclass whose methods are neutral defaults (so it works on its
own); the upper layer installs its providers at start-up, in its AppConfig.ready().
"""


class Hooks:
    def install(self, **providers) -> None:
        for name, provider in providers.items():
            if not callable(getattr(type(self), name, None)):
                raise AttributeError(f"{type(self).__name__} has no hook {name!r}")
            setattr(self, name, provider)


class AccountHooks(Hooks):
    @staticmethod
    def profile_changed(user, fields: set[str]) -> None:
        """Called in the transaction that saved these changed profile fields (interviews follows
        a change of zone or of interviewer opt-in with the member's slots)."""

    @staticmethod
    def interviewer_vetted(user) -> None:
        """Called in the transaction that vets an interviewer (rubrics confirms their provisional
        evaluations)."""

    @staticmethod
    def member_erased(user) -> None:
        """Called in the transaction that erases a leaving member's personal data, after their
        upcoming sessions were cancelled: the layers above delete what is theirs alone
        (availability, match requests, messages, their own placement)."""

    @staticmethod
    def email_send(email) -> None:
        """Send a rendered account e-mail (interviews puts it in the outbox instead)."""
        email.send()


hooks = AccountHooks()
