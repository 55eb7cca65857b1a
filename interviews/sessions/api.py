"""The sessions API: open slots, booking, your sessions, cancel, move, report a no-show."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import CompanyType, Level
from interviews.fields import DateTimeField
from interviews.sessions import booking, lifecycle
from interviews.sessions.hooks import hooks
from interviews.sessions.models import Session
from interviews.sessions.selectors import (
    session_for_user,
    sessions_for_user,
    slot_search_errors,
    slots_available,
)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField(source="name")


class InterviewerSerializer(PersonSerializer):
    level = serializers.CharField(source="interviewer_level")
    company_experience = serializers.CharField()


class SlotSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    interviewer = InterviewerSerializer()
    rank = serializers.IntegerField(help_text="0 is the best fit.")
    fit_cost = serializers.IntegerField(
        help_text="Level fit: 0 when one level above the target, 1 same, 2 two above."
    )
    past_pairings = serializers.IntegerField(help_text="Sessions you already had with this interviewer.")
    rating = serializers.FloatField(
        allow_null=True, help_text="Candidates' average rating of the feedback, 1 to 5."
    )
    rating_count = serializers.IntegerField()


class SlotQuerySerializer(serializers.Serializer):
    target_level = serializers.ChoiceField(choices=Level.choices, required=False)
    company_type = serializers.ChoiceField(choices=CompanyType.choices, required=False)
    start = DateTimeField(required=False)
    end = DateTimeField(required=False)

    def validate(self, data):
        # DRF reads a blank query value of an optional field as "not given", and of a repeated one
        # only the last: neither is a value.
        for field in self.fields:
            if self.initial_data.getlist(field) == [""] or len(self.initial_data.getlist(field)) > 1:
                raise serializers.ValidationError({field: "Give one value, or leave the parameter out."})
        now = timezone.now()
        start = data.get("start") or now
        try:
            end = data.get("end") or start + timedelta(days=7)
        except OverflowError:  # the last days there are
            raise serializers.ValidationError({"start": "Search within the coming year."}) from None
        errors = slot_search_errors(start=start, end=end, now=now)
        if errors:
            raise serializers.ValidationError(errors)
        return {**data, "start": start, "end": end}


class StudyPackSerializer(serializers.Serializer):
    follow_ups = serializers.ListField(child=serializers.DictField(), help_text="{family, question}")
    signals = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="What a strong answer shows, for your target level and the next.",
    )
    outline = serializers.ListField(child=serializers.CharField(), help_text="One good path through it.")


class QuestionSerializer(serializers.Serializer):
    title = serializers.CharField()
    company_name = serializers.CharField()
    company_context = serializers.CharField(help_text="The company's mission (startup questions).")
    prompt = serializers.CharField()
    business_element = serializers.CharField(
        required=False, help_text="The interviewer's, and the study pack's."
    )
    guide = serializers.DictField(
        required=False,
        help_text="The interviewer's only: phases with minutes and hint ladders, facts, follow_ups, signals.",
    )
    study_pack = StudyPackSerializer(
        required=False, help_text="The candidate's, on the session itself, once the feedback is released."
    )


class SessionSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()
    candidate = PersonSerializer()
    interviewer = InterviewerSerializer()
    video_url = serializers.CharField()
    question = serializers.SerializerMethodField(
        help_text="Hidden from the candidate until the session starts. The interviewer's guide (and the "
        "candidate's study pack once evaluated) come with one session, not in the list."
    )
    cancelled_by = serializers.IntegerField(source="cancelled_by_id", allow_null=True)

    class Meta:
        model = Session
        fields = (
            "id", "role", "status", "start", "end", "candidate", "interviewer",
            "target_level", "company_type", "video_url", "question", "sequence",
            "cancelled_by", "cancelled_at", "cancel_reason", "late_cancellation", "created_at",
        )  # fmt: skip

    def get_role(self, session) -> str | None:
        return session.role_of(self.context["request"].user)

    @extend_schema(responses=QuestionSerializer(allow_null=True))
    def get_question(self, session) -> dict | None:
        user = self.context["request"].user
        if not session.question_visible_to(user):
            return None
        question = session.question
        data = {
            "title": question.title,
            "company_name": question.company_name,
            "company_context": question.company_context,
            "prompt": question.prompt,
        }
        if not self.context.get("one_session"):  # a list: the guide and study pack are a session's own read
            return QuestionSerializer(data).data
        if session.role_of(user) == "interviewer":
            data.update(business_element=question.business_element, guide=question.guide)
        elif hooks.is_evaluated(session):
            levels = session.study_levels()
            data["business_element"] = question.business_element
            data["study_pack"] = {
                "follow_ups": question.guide.get("follow_ups", []),
                "signals": {level: question.guide.get("signals", {}).get(level, []) for level in levels},
                "outline": question.outline(),
            }
        return QuestionSerializer(data).data


class BookSerializer(serializers.Serializer):
    slot = serializers.IntegerField()
    target_level = serializers.ChoiceField(
        choices=Level.choices, required=False, help_text="Default: your profile's."
    )
    company_type = serializers.ChoiceField(choices=CompanyType.choices, required=False)


class RescheduleSerializer(serializers.Serializer):
    slot = serializers.IntegerField()


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


API_SLOTS = 100  # a response's worth (about 25 KB) however many interviewers publish


class SlotsView(APIView):
    """Open slots of interviewers who fit: the best one at each hour, best fit first, at most 100.

    Defaults: your profile's target, the next 7 days (a week, as the page shows).
    """

    @extend_schema(parameters=[SlotQuerySerializer], responses=SlotSerializer(many=True))
    def get(self, request):
        query = SlotQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        target_level, company_type = booking.target_resolve(
            request.user, data.get("target_level"), data.get("company_type")
        )
        slots = slots_available(
            candidate=request.user,
            target_level=target_level,
            company_type=company_type,
            start=data["start"],
            end=data["end"],
            one_per_hour=True,
            limit=API_SLOTS,
        )
        return Response(SlotSerializer(slots, many=True).data)


class SessionsView(ListAPIView):
    """Your sessions, as candidate and as interviewer, upcoming first, 50 a page. POST books a slot."""

    serializer_class = SessionSerializer

    def get_queryset(self):
        return sessions_for_user(user=self.request.user)

    @extend_schema(request=BookSerializer, responses={201: SessionSerializer})
    def post(self, request):
        serializer = BookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        session = booking.session_book(
            candidate=request.user,
            slot_id=data["slot"],
            target_level=data.get("target_level"),
            company_type=data.get("company_type"),
        )
        return Response(self.get_serializer(session).data, status=status.HTTP_201_CREATED)


class SessionDetailView(APIView):
    @extend_schema(responses=SessionSerializer)
    def get(self, request, pk: int):
        """One session; its candidate also gets the study pack once the feedback is released."""
        session = session_for_user(request.user, pk)
        return Response(SessionSerializer(session, context={"request": request, "one_session": True}).data)


class SessionCancelView(APIView):
    @extend_schema(request=CancelSerializer, responses=SessionSerializer)
    def post(self, request, pk: int):
        session = session_for_user(request.user, pk)
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = lifecycle.session_cancel(
            session=session, by=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(SessionSerializer(session, context={"request": request}).data)


class SessionRescheduleView(APIView):
    @extend_schema(request=RescheduleSerializer, responses=SessionSerializer)
    def post(self, request, pk: int):
        session = session_for_user(request.user, pk)
        serializer = RescheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = booking.session_reschedule(
            session=session, candidate=request.user, slot_id=serializer.validated_data["slot"]
        )
        return Response(SessionSerializer(session, context={"request": request}).data)


class SessionNoShowView(APIView):
    @extend_schema(request=None, responses=SessionSerializer)
    def post(self, request, pk: int):
        session = session_for_user(request.user, pk)
        session = lifecycle.session_report_no_show(session=session, by=request.user)
        return Response(SessionSerializer(session, context={"request": request}).data)
