from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from accounts.models import Level

RUBRIC_NAME = "ML system design"
EVALUATION_DUE_AFTER = timedelta(hours=48)
MAX_COUNT = 50  # interventions of one kind in one session: more is a typo
NEEDS_CALIBRATION_POINTS = 0.25  # score points off (or onto) a typical candidate's average
SCORES = (1, 2, 3, 4)
# What a score means, the same for every dimension: anchors are written against these bars,
# so a score feeds level placement directly.
SCORE_BARS = {1: "Below the L3 bar", 2: "Meets L3", 3: "Meets L4", 4: "Meets L5+"}


class Rubric(models.Model):
    """A versioned rubric. Once an evaluation uses a version it is never changed in place:
    editing it makes the next version (see RubricAdmin)."""

    name = models.CharField(max_length=120)
    version = models.PositiveIntegerField(default=1)
    description = models.TextField(blank=True)
    # What each interventions counter counts, in this version's words: {"hints": ..., ...}.
    interventions = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("name", "-version")
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="rubric_version_once")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def is_used(self) -> bool:
        return self.evaluations.exists()


class Dimension(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="dimensions")
    order = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(
        max_length=40, help_text="Stable across versions: placement follows a dimension by it."
    )
    title = models.CharField(max_length=120)
    assesses = models.TextField(help_text="What this dimension assesses.")
    anchor_1 = models.TextField("1: below the L3 bar")
    anchor_2 = models.TextField("2: meets L3")
    anchor_3 = models.TextField("3: meets L4")
    anchor_4 = models.TextField("4: meets L5+")
    faang_weight = models.DecimalField(max_digits=3, decimal_places=2, default=1)
    startup_weight = models.DecimalField(max_digits=3, decimal_places=2, default=1)

    class Meta:
        ordering = ("rubric", "order", "pk")
        constraints = [
            models.UniqueConstraint(fields=["rubric", "key"], name="dimension_key_once_per_rubric")
        ]

    def __str__(self) -> str:
        return self.title

    def weight_for(self, company_type: str):
        """How much this dimension counts in rounds of that company type (orders "what to work on")."""
        return self.faang_weight if company_type == "faang" else self.startup_weight

    def anchors(self) -> list[tuple[int, str, str]]:
        """(score, bar, anchor text) for 1 to 4."""
        return [(score, SCORE_BARS[score], getattr(self, f"anchor_{score}")) for score in SCORES]


class Verdict(models.TextChoices):
    STRONG_NO = "strong_no", "Strong no"
    NO = "no", "No"
    YES = "yes", "Yes"
    STRONG_YES = "strong_yes", "Strong yes"


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


# Feedback is read by a person: a page or so each (the form and the API hold to these too).
FEEDBACK_MAX_LENGTH = 4000
EVIDENCE_MAX_LENGTH = 2000


class Evaluation(models.Model):
    """The interviewer's rubric for one session. Drafts are the interviewer's alone."""

    session = models.OneToOneField("interviews.Session", on_delete=models.PROTECT, related_name="evaluation")
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="evaluations")
    status = models.CharField(max_length=10, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT)
    # The help it took to reach an acceptable design: the evidence for a level.
    hints = models.PositiveSmallIntegerField("unprompted hints", default=0)
    guidance = models.PositiveSmallIntegerField("guidance", default=0)
    clarifications = models.PositiveSmallIntegerField("clarifying questions answered", default=0)
    recommended_level = models.CharField(max_length=2, choices=Level.choices, blank=True)
    verdict = models.CharField(max_length=10, choices=Verdict.choices, blank=True)
    strengths = models.TextField(blank=True, max_length=FEEDBACK_MAX_LENGTH)
    improvements = models.TextField(blank=True, max_length=FEEDBACK_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Submitted by an interviewer staff had not vetted yet: shown as provisional until staff
    # confirm it (or vet the interviewer).
    provisional = models.BooleanField(default=False)
    # What the interview room logged, kept at submission (interviews.room.selectors.room_record):
    # help per phase, the phases' durations and the timeline of reveals and help.
    room_record = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                name="submitted_evaluation_has_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"Evaluation of session {self.session_id} ({self.status})"

    @property
    def is_submitted(self) -> bool:
        return self.status == EvaluationStatus.SUBMITTED

    @property
    def interventions(self) -> int:
        return self.hints + self.guidance + self.clarifications


class DimensionScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    evidence = models.TextField(blank=True, max_length=EVIDENCE_MAX_LENGTH)

    class Meta:
        ordering = ("dimension__order", "dimension_id")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "dimension"], name="one_score_per_dimension"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=4),
                name="score_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.score}"


class InterviewerRating(models.Model):
    """The candidate's rating of how useful the interviewer's feedback was: once per session."""

    session = models.OneToOneField("interviews.Session", on_delete=models.CASCADE, related_name="rating")
    candidate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings"
    )
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_1_to_5")
        ]

    def __str__(self) -> str:
        return f"{self.score}/5 for {self.interviewer}"


class PlacementFit(models.Model):
    """One fit of the placement model (rubrics.estimator) over every submitted evaluation."""

    fitted_at = models.DateTimeField(default=timezone.now)
    evaluations = models.PositiveIntegerField(help_text="Submitted evaluations the fit saw.")
    ratings = models.PositiveIntegerField(help_text="Rubric scores the fit saw.")
    candidates = models.PositiveIntegerField()
    interviewers = models.PositiveIntegerField()
    seconds = models.FloatField(help_text="Time to fit and place.")
    converged = models.BooleanField(default=True)
    reliability = models.FloatField(
        null=True, blank=True, help_text="Krippendorff's alpha (ordinal) over rubric scores."
    )
    thresholds = models.JSONField(default=list, help_text="The rating scale's thresholds.")
    difficulties = models.JSONField(default=dict, help_text="Per dimension key.")
    rejected = models.PositiveIntegerField(
        default=0, help_text="Evaluations left out, each logged with its reason."
    )
    source_weights = models.JSONField(
        default=dict, help_text="The weight the data gave each evidence source (scores 1)."
    )
    level_shares = models.JSONField(default=dict, help_text="Estimated share of candidates at each level.")
    # Where the fit ended (rubrics.estimator.Fit.parameters): the next refit starts from it.
    parameters = models.JSONField(null=True, blank=True)

    class Meta:
        get_latest_by = "pk"

    def __str__(self) -> str:
        return f"Placement fit of {self.fitted_at:%Y-%m-%d %H:%M} ({self.evaluations} evaluations)"


class Placement(models.Model):
    """A candidate's latest level estimate; written by the refit, only read by pages."""

    candidate = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="placement"
    )
    fit = models.ForeignKey(PlacementFit, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=2, choices=Level.choices)
    confidence = models.FloatField()
    probabilities = models.JSONField(help_text='{"L3": p, "L4": p, "L5": p}')
    position = models.FloatField(help_text="On the level scale: below 0 is L3, 0 to 1 L4, from 1 L5+.")
    evaluations = models.PositiveIntegerField()
    provisional = models.BooleanField()
    standing = models.JSONField(default=list, help_text="Per dimension, against the next level's bar.")
    trajectory = models.JSONField(default=list, help_text="The estimate after each evaluation, oldest first.")
    movement = models.FloatField(
        null=True, blank=True, help_text="Level bands moved over the last 4 sessions at the estimated pace."
    )
    movement_sd = models.FloatField(null=True, blank=True)
    forecast = models.JSONField(
        null=True,
        blank=True,
        help_text='{"level", "sessions", "low", "high"}: only when its interval is useful.',
    )

    def __str__(self) -> str:
        return f"{self.candidate}: {self.get_level_display()} ({self.confidence:.0%})"

    @property
    def movement_words(self) -> str:
        """How fast the candidate is moving, in a plain sentence ("" with a single evaluation)."""
        if self.movement is None:
            return ""
        sure = self.movement_sd is not None and abs(self.movement) > self.movement_sd
        if abs(self.movement) < 0.25 or not sure:
            return "Holding steady in your last sessions."
        amount = (
            "about one band" if 0.75 <= abs(self.movement) < 1.5 else f"about {abs(self.movement):.1f} bands"
        )
        if abs(self.movement) < 0.75:
            amount = "part of a band"
        return f"{'Up' if self.movement > 0 else 'Down'} {amount} in the last four sessions."

    @property
    def forecast_words(self) -> str:
        """At this pace, when the next bar comes ("" unless the estimate's interval is useful)."""
        if not self.forecast:
            return ""
        level = Level(self.forecast["level"]).label
        sessions, low, high = (round(self.forecast[key]) for key in ("sessions", "low", "high"))
        return f"At this pace, the {level} bar in about {sessions} sessions (likely {low} to {high})."


class SeverityQuerySet(models.QuerySet):
    def with_flags(self):
        """Annotates the staff calibration page's flags, so it can sort and count by them:
        `needs_calibration`, clearly off the average (beyond two standard errors) by a quarter point
        or more; `needs_attention`, that or scores that scatter (`erratic`)."""
        se = models.F("standard_error")
        clear = models.Q(severity__gt=2 * se) | models.Q(severity__lt=-2 * se)
        sizeable = models.Q(points__gte=NEEDS_CALIBRATION_POINTS) | models.Q(
            points__lte=-NEEDS_CALIBRATION_POINTS
        )
        needs_calibration = models.ExpressionWrapper(clear & sizeable, output_field=models.BooleanField())
        return self.annotate(needs_calibration=needs_calibration).annotate(
            needs_attention=models.ExpressionWrapper(
                models.Q(needs_calibration=True) | models.Q(erratic=True), output_field=models.BooleanField()
            )
        )


class InterviewerSeverity(models.Model):
    """How harsh an interviewer scores compared with the others, from the latest fit (staff only)."""

    interviewer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="severity"
    )
    fit = models.ForeignKey(PlacementFit, on_delete=models.PROTECT, related_name="+")
    severity = models.FloatField(help_text="Logits; above 0 is harsher than the average interviewer.")
    standard_error = models.FloatField()
    points = models.FloatField(help_text="Score points taken off a typical L4 candidate's average.")
    evaluations = models.PositiveIntegerField()
    infit = models.FloatField(null=True, blank=True, help_text="Mean square; near 1 fits, above 1 scatters.")
    outfit = models.FloatField(null=True, blank=True)
    erratic = models.BooleanField(
        default=False, help_text="Scores that scatter beyond what the model expects."
    )
    scale_spread = models.FloatField(
        null=True, blank=True, help_text="1 is typical; above 1 keeps to the middle of the scale."
    )
    halo = models.FloatField(null=True, blank=True, help_text="How much one sitting's scores move together.")

    objects = SeverityQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.interviewer}: severity {self.severity:+.2f}"

    @property
    def scale_use(self) -> str:
        if self.scale_spread is None:
            return ""
        if self.scale_spread >= 1.5:
            return "keeps to the middle of the scale"
        if self.scale_spread <= 0.67:
            return "favours the ends of the scale"
        return "uses the scale as most do"

    @property
    def lean(self) -> str:
        if abs(self.points) < 0.005:
            return "in line with the average"
        return f"{'harsher' if self.points > 0 else 'more lenient'} by {abs(self.points):.2f} points"
