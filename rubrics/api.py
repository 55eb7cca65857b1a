from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Level
from interviews.selectors import session_for_user
from rubrics.models import Dimension, Evaluation, InterviewerRating, Rubric, Verdict
from rubrics.selectors import evaluation_or_404, rubric_current
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
    evidence = serializers.CharField(allow_blank=True, required=False)


class EvaluationSerializer(serializers.ModelSerializer):
    scores = ScoreSerializer(many=True)
    rubric = serializers.CharField(source="rubric.__str__")

    class Meta:
        model = Evaluation
        fields = (
            "id", "session", "status", "rubric", "scores", "hints", "guidance", "clarifications",
            "recommended_level", "verdict", "strengths", "improvements",
            "created_at", "updated_at", "submitted_at",
        )  # fmt: skip


class EvaluationWriteSerializer(serializers.Serializer):
    """A draft may carry any subset; `submit: true` makes it final (every dimension scored...)."""

    scores = ScoreSerializer(many=True, required=False)
    hints = serializers.IntegerField(required=False)
    guidance = serializers.IntegerField(required=False)
    clarifications = serializers.IntegerField(required=False)
    recommended_level = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True)
    verdict = serializers.ChoiceField(choices=Verdict.choices, required=False, allow_blank=True)
    strengths = serializers.CharField(required=False, allow_blank=True)
    improvements = serializers.CharField(required=False, allow_blank=True)
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
        session = session_for_user(request.user, pk)
        if session.interviewer_id != request.user.pk:
            raise PermissionDenied("Only the session's interviewer fills its rubric.")
        serializer = EvaluationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, submit = serializer.to_service_data()
        evaluation_save(session=session, interviewer=request.user, data=data, submit=submit)
        return Response(EvaluationSerializer(evaluation_or_404(request.user, session)).data)


class RatingView(APIView):
    @extend_schema(request=RatingSerializer, responses={201: RatingSerializer})
    def post(self, request, pk: int):
        session = session_for_user(request.user, pk)
        if session.candidate_id != request.user.pk:
            raise NotFound()
        serializer = RatingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating = rating_submit(session=session, candidate=request.user, **serializer.validated_data)
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)
