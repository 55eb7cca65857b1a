from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Level
from interviews.sessions.selectors import session_for_user
from rubrics.models import (
    EVIDENCE_MAX_LENGTH,
    FEEDBACK_MAX_LENGTH,
    Dimension,
    Evaluation,
    InterviewerRating,
    Rubric,
    Verdict,
)
from rubrics.selectors import (
    evaluation_or_404,
    evaluations_received,
    placement_summary,
    rubric_current,
    score_rows,
    session_for_evaluation,
    session_for_rating,
)
from rubrics.services import evaluation_save, rating_submit


class AnchorSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    bar = serializers.CharField()
    text = serializers.CharField()


class DimensionSerializer(serializers.ModelSerializer):
    anchors = serializers.SerializerMethodField()

    class Meta:
        model = Dimension
        fields = ("key", "title", "assesses", "anchors", "faang_weight", "startup_weight")

    @extend_schema(responses=AnchorSerializer(many=True))
    def get_anchors(self, dimension) -> list[dict]:
        return [{"score": s, "bar": bar, "text": text} for s, bar, text in dimension.anchors()]


class RubricSerializer(serializers.ModelSerializer):
    dimensions = DimensionSerializer(many=True)

    class Meta:
        model = Rubric
        fields = ("id", "name", "version", "description", "dimensions")


class ScoreSerializer(serializers.Serializer):
    dimension = serializers.CharField(source="dimension.key")
    score = serializers.IntegerField(allow_null=True, required=False)
    evidence = serializers.CharField(allow_blank=True, required=False, max_length=EVIDENCE_MAX_LENGTH)

    def to_representation(self, instance) -> dict:
        # The same three values as the fields give, without their machinery: a page of evaluations
        # carries hundreds of scores.
        return {"dimension": instance.dimension.key, "score": instance.score, "evidence": instance.evidence}


class EvaluationSerializer(serializers.ModelSerializer):
    scores = ScoreSerializer(many=True)
    rubric = serializers.CharField(source="rubric.__str__")

    class Meta:
        model = Evaluation
        fields = (
            "id", "session", "status", "rubric", "scores", "hints", "guidance", "clarifications",
            "recommended_level", "verdict", "strengths", "improvements",
            "created_at", "updated_at", "submitted_at", "provisional",
        )  # fmt: skip


class EvaluationWriteSerializer(serializers.Serializer):
    """A draft may carry any subset; `submit: true` makes it final (every dimension scored...)."""

    scores = ScoreSerializer(many=True, required=False)
    hints = serializers.IntegerField(required=False)
    guidance = serializers.IntegerField(required=False)
    clarifications = serializers.IntegerField(required=False)
    recommended_level = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True)
    verdict = serializers.ChoiceField(choices=Verdict.choices, required=False, allow_blank=True)
    strengths = serializers.CharField(required=False, allow_blank=True, max_length=FEEDBACK_MAX_LENGTH)
    improvements = serializers.CharField(required=False, allow_blank=True, max_length=FEEDBACK_MAX_LENGTH)
    submit = serializers.BooleanField(default=False)

    def to_service_data(self) -> tuple[dict, bool]:
        data = dict(self.validated_data)
        submit = data.pop("submit")
        if "scores" in data:
            data["scores"] = {
                item["dimension"]["key"]: {"score": item.get("score"), "evidence": item.get("evidence", "")}
                for item in data["scores"]
            }
        return data, submit


class RatingSerializer(serializers.ModelSerializer):
    score = serializers.IntegerField(help_text="1 to 5: how useful the feedback was.")

    class Meta:
        model = InterviewerRating
        fields = ("score", "comment", "created_at")
        read_only_fields = ("created_at",)


class CurrentRubricView(APIView):
    @extend_schema(responses=RubricSerializer)
    def get(self, request):
        return Response(RubricSerializer(rubric_current()).data)


class EvaluationView(APIView):
    """The session's evaluation: its interviewer writes it; its candidate reads it once submitted."""

    @extend_schema(responses=EvaluationSerializer)
    def get(self, request, pk: int):
        session = session_for_user(request.user, pk)
        return Response(EvaluationSerializer(evaluation_or_404(request.user, session)).data)

    @extend_schema(request=EvaluationWriteSerializer, responses=EvaluationSerializer)
    def put(self, request, pk: int):
        session = session_for_evaluation(request.user, pk)
        serializer = EvaluationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, submit = serializer.to_service_data()
        evaluation_save(session=session, interviewer=request.user, data=data, submit=submit)
        return Response(EvaluationSerializer(evaluation_or_404(request.user, session)).data)


class RatingView(APIView):
    @extend_schema(request=RatingSerializer, responses={201: RatingSerializer})
    def post(self, request, pk: int):
        session = session_for_rating(request.user, pk)
        serializer = RatingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating = rating_submit(session=session, candidate=request.user, **serializer.validated_data)
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


class ReceivedEvaluationListSerializer(serializers.ListSerializer):
    def to_representation(self, data) -> list:
        """A page's scores in one query, as rows (score_rows), not a model per score."""
        evaluations = list(data)
        rows = score_rows([evaluation.pk for evaluation in evaluations])
        for evaluation in evaluations:
            evaluation.score_rows = rows.get(evaluation.pk, [])
        return super().to_representation(evaluations)


class ReceivedEvaluationSerializer(EvaluationSerializer):
    session_start = serializers.DateTimeField(source="session.start")
    interviewer = serializers.CharField(source="session.interviewer.name")
    question = serializers.CharField(source="session.question.title")
    scores = serializers.SerializerMethodField()

    class Meta(EvaluationSerializer.Meta):
        fields = ("session_start", "interviewer", "question", *EvaluationSerializer.Meta.fields)
        list_serializer_class = ReceivedEvaluationListSerializer

    @extend_schema_field(ScoreSerializer(many=True))
    def get_scores(self, evaluation) -> list[dict]:
        return evaluation.score_rows


class MyEvaluationsView(ListAPIView):
    """Every evaluation you received as a candidate, newest first, 50 a page."""

    serializer_class = ReceivedEvaluationSerializer

    def get_queryset(self):
        return evaluations_received(self.request.user).prefetch_related(None)  # scores: the list's


PLACEMENT_STATUSES = ("none", "pending", "ready")
STANDING_STATUSES = ("meets", "close", "below")
TRAJECTORY_POINTS = 50  # the latest evaluations the placement API traces, as its lists page


class StandingSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    bar = serializers.ChoiceField(
        choices=Level.choices, help_text="The level whose bar it is measured against."
    )
    probability = serializers.FloatField(help_text="Chance this dimension meets the bar.")
    status = serializers.ChoiceField(choices=STANDING_STATUSES)
    summary = serializers.CharField()
    expected_score = serializers.FloatField(help_text="With an average interviewer, on the 1-4 scale.")
    bar_score = serializers.IntegerField()
    bar_anchor = serializers.CharField(help_text="What meeting the bar looks like on this dimension.")


class TrajectoryPointSerializer(serializers.Serializer):
    evaluation = serializers.IntegerField()
    session = serializers.IntegerField()
    session_start = serializers.DateTimeField()
    level = serializers.ChoiceField(choices=Level.choices)
    confidence = serializers.FloatField()
    probabilities = serializers.DictField(child=serializers.FloatField())
    position = serializers.FloatField(help_text="Level scale: below 0 is L3, 0 to 1 L4, from 1 L5+.")
    position_sd = serializers.FloatField()


class ForecastSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices)
    sessions = serializers.FloatField()
    low = serializers.FloatField()
    high = serializers.FloatField()


class PlacementSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=PLACEMENT_STATUSES,
        help_text="none: no evaluation yet; pending: the first is being fitted; ready: see the fields below.",
    )
    detail = serializers.CharField(required=False)
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    confidence = serializers.FloatField(required=False, help_text="Probability of the estimated level.")
    probabilities = serializers.DictField(child=serializers.FloatField(), required=False)
    provisional = serializers.BooleanField(required=False, help_text="True with a single evaluation.")
    evaluations = serializers.IntegerField(required=False, help_text="Evaluations the estimate rests on.")
    up_to_date = serializers.BooleanField(
        required=False, help_text="False while a newer evaluation is fitted."
    )
    fitted_at = serializers.DateTimeField(required=False)
    standing = StandingSerializer(many=True, required=False)
    work_on = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Dimension keys."
    )
    trajectory = TrajectoryPointSerializer(
        many=True,
        required=False,
        help_text=f"The estimate after each of the latest {TRAJECTORY_POINTS} evaluations, oldest first.",
    )
    movement = serializers.FloatField(
        required=False, allow_null=True, help_text="Level bands moved in the last four sessions; + is up."
    )
    movement_words = serializers.CharField(required=False, help_text="The same, as the page says it.")
    forecast = ForecastSerializer(
        required=False, allow_null=True, help_text="When the next bar comes at this pace; only when useful."
    )


class MyPlacementView(APIView):
    """Your estimated level, its confidence, each dimension against the next level's bar, and how the
    estimate moved after each of your latest 50 evaluations (oldest first; the evaluations API
    pages through them all). Only ever your own."""

    @extend_schema(responses=PlacementSerializer)
    def get(self, request):
        received = evaluations_received(request.user).prefetch_related(None)
        sessions = {
            pk: (session, start)
            for pk, session, start in received.values_list("pk", "session_id", "session__start")[
                :TRAJECTORY_POINTS
            ]
        }
        total = received.count() if len(sessions) == TRAJECTORY_POINTS else len(sessions)
        summary = placement_summary(request.user, sessions=sessions, received=total)
        data = dict(summary)
        if "work_on" in data:
            data["work_on"] = [row["key"] for row in data["work_on"]]
        return Response(PlacementSerializer(data).data)
