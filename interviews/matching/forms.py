from datetime import datetime, timedelta

from django import forms
from django.utils import timezone

from accounts.models import CompanyType, Level

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
