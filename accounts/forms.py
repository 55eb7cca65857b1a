from functools import cache

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from accounts.models import Level, User, time_zone_names
from accounts.services import NOTIFICATION_PREFERENCES, PROFILE_FIELDS

ALWAYS_REQUIRED = ("display_name", "time_zone", "current_level", "target_level", "target_company_type")


def zone_label(name: str) -> str:
    """A time zone as people read it: America/New York."""
    return name.replace("_", " ")


@cache
def zone_choices() -> list[tuple[str, str]]:
    """Every time zone we know, by name, with its label."""
    return [(name, zone_label(name)) for name in sorted(time_zone_names())]


@cache
def _zone_options() -> tuple[tuple[str, str, str], ...]:
    """Each zone's <option>, plain and selected, made once per process."""
    option = '<option value="{}"{}>{}</option>'
    return tuple(
        (name, format_html(option, name, "", label), format_html(option, name, " selected", label))
        for name, label in zone_choices()
    )


class ZoneSelect(forms.Select):
    """The ~600 zones as a <select> joined from ready-made options: Django's select renders a
    template per option, 60-90 ms for this one field on every page that shows it."""

    def use_required_attribute(self, initial) -> bool:
        return False  # there is no blank zone to refuse (Select would normalise 600 choices to see)

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = "".join(selected if zone in chosen else plain for zone, plain, selected in _zone_options())
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, mark_safe(options))


class ZoneField(forms.ChoiceField):
    """A choice of time zone."""

    widget = ZoneSelect

    def __init__(self, **kwargs):
        super().__init__(choices=zone_choices, **kwargs)

    def valid_value(self, value) -> bool:
        return value in time_zone_names()  # not a walk through 600 normalised choices


class ProfileForm(forms.ModelForm):
    """Parses the profile page; the rules themselves live on User.clean and its field validators."""

    time_zone = ZoneField(label="Time zone", help_text="Times on PeerLoop are shown in this zone.")

    class Meta:
        model = User
        fields = PROFILE_FIELDS
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 3}),
            "sessions_per_week": forms.NumberInput(attrs={"min": 1, "max": 10}),
        }
        help_texts = {
            "display_name": "Shown to the people you interview with.",
            "interviewer_level": "You can interview candidates aiming at this level or below.",
            "sessions_per_week": "From 1 to 10.",
            "bio": "A line or two about your background (optional).",
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.instance.is_onboarded:
            # A new member's zone starts as the browser's own (static/js/app.js).
            self.fields["time_zone"].widget.attrs["data-browser-timezone"] = ""
        for name in ALWAYS_REQUIRED:
            self.fields[name].required = True
        self.fields["sessions_per_week"].validators = []  # the model's validators give the messages once
        for field in self.fields.values():  # a blank choice says what to pick, not "---------"
            if isinstance(field, forms.TypedChoiceField | forms.ChoiceField) and field.choices:
                field.choices = [
                    (value, f"Choose {field.label.lower()}…" if value == "" else label)
                    for value, label in field.choices
                ]
        self.fields["confirm_lower_target"] = forms.BooleanField(
            required=False,
            label="Yes, I am aiming below my current level",
            help_text="Tick to confirm a target below the level you hold (e.g. to switch to a new field).",
        )

    def profile_data(self) -> dict:
        """The profile fields for profile_update (the confirmation is the form's, not the profile's)."""
        return {name: self.cleaned_data[name] for name in PROFILE_FIELDS if name in self.cleaned_data}

    def clean(self):
        cleaned = super().clean()
        current, target = cleaned.get("current_level"), cleaned.get("target_level")
        if (
            current
            and target
            and Level.values.index(target) < Level.values.index(current)  # declared in level order
            and not cleaned.get("confirm_lower_target")
        ):
            self.add_error(
                "confirm_lower_target",
                "Your target is below your current level: tick the box to confirm that is what you want.",
            )
        return cleaned


class NotificationPreferencesForm(forms.ModelForm):
    """Which reminders the member gets (confirmations and cancellations always go)."""

    class Meta:
        model = User
        fields = NOTIFICATION_PREFERENCES


class SignupForm(AllauthSignupForm):
    """allauth's sign-up. For an address that already has an account allauth only e-mails its owner;
    hashing the password anyway makes that answer take as long as a real sign-up, so the time it
    takes does not tell whether the address is known."""

    display_name = forms.CharField(
        label="Your name",
        max_length=80,
        required=False,
        help_text="As the people you interview with will see it. You can change it later.",
    )
    field_order = ["display_name", "email", "password1"]

    def custom_signup(self, request, user) -> None:
        if self.cleaned_data.get("display_name"):
            user.display_name = self.cleaned_data["display_name"].strip()
            user.save(update_fields=["display_name"])

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)
