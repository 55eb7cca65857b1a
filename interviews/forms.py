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
        today = timezone.localdate()
        for name, day in (("start", start), ("end", end)):
            if day and not today - timedelta(days=1) <= day <= today + timedelta(days=365):
                self.add_error(name, "Search within the coming year.")
                return cleaned
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


WINDOW_ROWS = 3


class MatchRequestForm(forms.Form):
    """Target and up to three windows, typed in the candidate's own zone."""

    target_level = forms.ChoiceField(choices=Level.choices, label="Target level")
    company_type = forms.ChoiceField(choices=CompanyType.choices, label="Company type")
    note = forms.CharField(
        required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}), label="Note (optional)"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(WINDOW_ROWS):
            required = i == 0
            self.fields[f"day_{i}"] = forms.DateField(
                required=required, label="Day", widget=forms.DateInput(attrs={"type": "date"})
            )
            self.fields[f"from_{i}"] = forms.TimeField(
                required=required, label="From", widget=forms.TimeInput(attrs={"type": "time", "step": 900})
            )
            self.fields[f"to_{i}"] = forms.TimeField(
                required=required, label="To", widget=forms.TimeInput(attrs={"type": "time", "step": 900})
            )

    def window_rows(self):
        return [(self[f"day_{i}"], self[f"from_{i}"], self[f"to_{i}"]) for i in range(WINDOW_ROWS)]

    def windows(self, zone) -> list[tuple]:
        """The filled rows as aware datetimes (a window ending at or before it starts runs past midnight)."""
        from datetime import datetime

        rows = []
        for i in range(WINDOW_ROWS):
            day, start, end = (self.cleaned_data.get(f"{k}_{i}") for k in ("day", "from", "to"))
            if day and not timezone.localdate() - timedelta(
                days=1
            ) <= day <= timezone.localdate() + timedelta(days=60):
                self.add_error(f"day_{i}", "Choose a day in the next four weeks.")
            elif day and start and end:
                begin = datetime.combine(day, start, tzinfo=zone)
                finish = datetime.combine(day, end, tzinfo=zone)
                if finish <= begin:
                    finish += timedelta(days=1)
                rows.append((begin, finish))
            elif day or start or end:
                self.add_error(f"day_{i}", "Fill the day, the start and the end of this window.")
        return rows
