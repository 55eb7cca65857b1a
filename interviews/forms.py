from datetime import timedelta

from django import forms
from django.utils import timezone

from accounts.models import CompanyType, Level
from interviews.models import Weekday

MAX_SEARCH_DAYS = 28


class WindowForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int, label="Day")
    start_time = forms.TimeField(label="From", widget=forms.TimeInput(attrs={"type": "time", "step": 900}))
    end_time = forms.TimeField(label="To", widget=forms.TimeInput(attrs={"type": "time", "step": 900}))


class BlockedDateForm(forms.Form):
    date = forms.DateField(label="Date off", widget=forms.DateInput(attrs={"type": "date"}))


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
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end date comes before the start date.")
            elif (end - start).days >= MAX_SEARCH_DAYS:
                self.add_error("end", f"Search at most {MAX_SEARCH_DAYS} days at a time.")
        return cleaned


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why are you cancelling?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Tell the other person why you cancel."},
    )
