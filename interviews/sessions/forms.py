from contextlib import suppress
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from accounts.forms import ZoneField
from accounts.models import CompanyType, Level, time_zone_names
from interviews.sessions.selectors import slot_search_errors

WEEK = timedelta(days=6)  # a search shows a week: its first day and the six after


class SlotSearchForm(forms.Form):
    """Find-a-slot filters; dates are whole days in the zone shown (the member's own by default)."""

    target_level = forms.ChoiceField(choices=Level.choices, label="Target level")
    company_type = forms.ChoiceField(choices=CompanyType.choices, label="Company type")
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    zone = ZoneField(label="Show times in")

    @classmethod
    def for_user(cls, user, data):
        """The search as the member asked it, their profile's target and zone and the coming week
        filling in what they did not; a start without an end searches that week."""
        zone = data.get("zone") if data.get("zone") in time_zone_names() else user.time_zone
        today = timezone.localdate(timezone=ZoneInfo(zone))
        given = {k: v for k, v in data.items() if v}
        given["zone"] = zone  # an unknown zone falls back to the member's own
        if "start" in given and "end" not in given:
            with suppress(TypeError, ValueError, OverflowError):  # the form says what is wrong with it
                given["end"] = (date.fromisoformat(given["start"]) + WEEK).isoformat()
        initial = {
            "target_level": user.target_level,
            "company_type": user.target_company_type,
            "start": today,
            "end": today + WEEK,
            "zone": zone,
        }
        return cls({**initial, **given})

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end"):
            try:
                start, end = self.bounds()
            except OverflowError:  # the last day there is
                self.add_error("end", "Search within the coming year.")
                return cleaned
            for field, error in slot_search_errors(start=start, end=end, now=timezone.now()).items():
                self.add_error(field, error)
        return cleaned

    def bounds(self) -> tuple[datetime, datetime]:
        """The searched days as [start, end) in the zone shown."""
        zone = ZoneInfo(self.cleaned_data.get("zone") or timezone.get_current_timezone_name())
        return (
            datetime.combine(self.cleaned_data["start"], time.min, tzinfo=zone),
            datetime.combine(self.cleaned_data["end"] + timedelta(days=1), time.min, tzinfo=zone),
        )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why are you cancelling?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Tell the other person why you cancel."},
    )
