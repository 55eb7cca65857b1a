from django import forms

from accounts.models import Level
from rubrics.models import EVIDENCE_MAX_LENGTH, FEEDBACK_MAX_LENGTH, MAX_COUNT, SCORES, Verdict

# Labels, and what each counter counts unless the rubric version says it in its own words. Only
# help the interviewer had to supply counts: a scoping question the candidate asks never does.
COUNT_FIELDS = {
    "hints": (
        "Unprompted hints",
        "Hints you gave that the candidate did not ask for, to reach a workable design.",
    ),
    "guidance": ("Guidance", "Times you had to steer the design back on track or narrow the scope for them."),
    "clarifications": (
        "Clarifications you had to supply",
        "Times you had to restate or correct the problem for them. Answering a scoping question the "
        "candidate asked is never counted.",
    ),
}


class EvaluationForm(forms.Form):
    """Parses the rubric page into the service's data; the rules live in evaluation_save."""

    recommended_level = forms.ChoiceField(
        choices=Level.choices, widget=forms.RadioSelect, required=False, label="Recommended level"
    )
    verdict = forms.ChoiceField(
        choices=Verdict.choices, widget=forms.RadioSelect, required=False, label="Overall verdict"
    )
    strengths = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=FEEDBACK_MAX_LENGTH,
        label="What went well",
        help_text="Specific moments the candidate can repeat.",
    )
    improvements = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label="What to improve",
        max_length=FEEDBACK_MAX_LENGTH,
        help_text="The changes that would move them to the next level.",
    )  # fmt: skip

    def __init__(self, *args, rubric, evaluation=None, room_counts=None, room_evidence=None, **kwargs):
        """`room_counts` and `room_evidence` (the help and tagged notes the interview room logged)
        prefill a new evaluation; a draft keeps what the interviewer made of them."""
        kwargs.setdefault("label_suffix", "")
        initial = {
            **dict.fromkeys(COUNT_FIELDS, 0),
            **(room_counts or {}),
            **{f"evidence_{key}": text for key, text in (room_evidence or {}).items()},
        }
        self.room_counts = room_counts
        if evaluation is not None:
            initial = {
                "recommended_level": evaluation.recommended_level,
                "verdict": evaluation.verdict,
                "strengths": evaluation.strengths,
                "improvements": evaluation.improvements,
                **{field: getattr(evaluation, field) for field in COUNT_FIELDS},
                **{f"score_{s.dimension.key}": s.score for s in evaluation.scores.all()},
                **{f"evidence_{s.dimension.key}": s.evidence for s in evaluation.scores.all()},
            }
        super().__init__(*args, initial=initial, **kwargs)
        self.dimensions = dimensions = list(rubric.dimensions.all())
        for field, (label, help_text) in COUNT_FIELDS.items():
            self.fields[field] = forms.IntegerField(
                label=label, help_text=rubric.interventions.get(field, help_text), required=False,
                widget=forms.NumberInput(attrs={"min": 0, "max": MAX_COUNT, "class": "counter-input"}),
            )  # fmt: skip
        for dimension in dimensions:
            self.fields[f"score_{dimension.key}"] = forms.TypedChoiceField(
                choices=[(s, str(s)) for s in SCORES], coerce=int, empty_value=None, required=False,
                widget=forms.RadioSelect, label=dimension.title,
            )  # fmt: skip
            self.fields[f"evidence_{dimension.key}"] = forms.CharField(
                required=False, label="Evidence (optional)", widget=forms.Textarea(attrs={"rows": 2}),
                max_length=EVIDENCE_MAX_LENGTH,
                help_text="Prefilled from your tagged notes in the room."
                if evaluation is None and dimension.key in (room_evidence or {}) else "",
            )  # fmt: skip

    def dimension_rows(self):
        """(dimension, score field, evidence field) for the template."""
        for dimension in self.dimensions:
            yield dimension, self[f"score_{dimension.key}"], self[f"evidence_{dimension.key}"]

    def count_fields(self):
        return [self[field] for field in COUNT_FIELDS]

    def to_service_data(self) -> dict:
        data = self.cleaned_data
        payload = {
            "scores": {
                d.key: {"score": data.get(f"score_{d.key}"), "evidence": data.get(f"evidence_{d.key}", "")}
                for d in self.dimensions
            },
            "recommended_level": data.get("recommended_level", ""),
            "verdict": data.get("verdict", ""),
            "strengths": data.get("strengths", ""),
            "improvements": data.get("improvements", ""),
        }
        for field in COUNT_FIELDS:
            if data.get(field) is not None:
                payload[field] = data[field]
        return payload


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, 6)], coerce=int, widget=forms.RadioSelect,
        label="How useful was the feedback?", error_messages={"required": "Rate from 1 to 5."},
    )  # fmt: skip
    comment = forms.CharField(
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), label="Comment (optional)"
    )
