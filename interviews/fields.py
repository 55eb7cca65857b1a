"""API fields every part of interviews uses."""

from datetime import UTC

from rest_framework import serializers


class DateTimeField(serializers.DateTimeField):
    """DRF's, refusing an instant UTC cannot hold (year 1 east of UTC, year 9999 west of it)."""

    def enforce_timezone(self, value):
        try:
            result = super().enforce_timezone(value)
            result.astimezone(UTC)
        except OverflowError:
            self.fail("overflow")
        return result
