"""What scheduling needs to know about bookings, supplied by the sessions part (see accounts.hooks)."""

from django.db.models import BooleanField, Expression, Value

from accounts.hooks import Hooks


class SchedulingHooks(Hooks):
    @staticmethod
    def slot_booked() -> Expression:
        """An expression over Slot rows: true where an active session holds the slot."""
        return Value(False, output_field=BooleanField())

    @staticmethod
    def sessions_holding(slot_ids: list[int]) -> dict:
        """{slot id: the active session holding it, its candidate loaded} for these slots."""
        return {}


hooks = SchedulingHooks()
