from django import forms

from interviews.scheduling.models import Weekday


class WindowForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int, label="Day")
    start_time = forms.TimeField(label="From", widget=forms.TimeInput(attrs={"type": "time", "step": 900}))
    end_time = forms.TimeField(label="To", widget=forms.TimeInput(attrs={"type": "time", "step": 900}))


class BlockedDateForm(forms.Form):
    date = forms.DateField(label="Date off", widget=forms.DateInput(attrs={"type": "date"}))
