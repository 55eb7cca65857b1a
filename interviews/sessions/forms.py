from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from accounts.models import CompanyType, Level
from interviews.sessions.selectors import slot_search_errors


class SlotSearchForm(forms.Form):
    """Find-a-slot filters; dates are whole days in the candidate's own zone."""

    target_level = forms.ChoiceField(choices=Level.choices, label="Target level")
    company_type = forms.ChoiceField(choices=CompanyType.choices, label="Company type")
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    @classmethod
    def for_user(cls, user, data):
        today = timezone.localdate()
        initial = {
            "target_level": user.target_level,
            "company_type": user.target_company_type,
            "start": today,
            "end": today + timedelta(days=13),
        }
        return cls({**initial, **{k: v for k, v in data.items() if v}})

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
        """The searched days as [start, end) in the member's own zone."""
        zone = timezone.get_current_timezone()
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
