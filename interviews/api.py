from datetime import UTC, timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import CompanyType, Level
from interviews.models import AvailabilityWindow, BlockedDate, MatchRequest, Session, Weekday
from interviews.selectors import (
    match_request_for_user,
    match_requests_for_user,
    session_for_user,
    sessions_for_user,
    slots_available,
)
from interviews.services import availability, booking, lifecycle, matching


class DateTimeField(serializers.DateTimeField):
    """DRF's, refusing an instant UTC cannot hold (year 1 east of UTC, year 9999 west of it)."""

    def enforce_timezone(self, value):
        try:
            result = super().enforce_timezone(value)
            result.astimezone(UTC)
        except OverflowError:
            self.fail("overflow")
        return result


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField(source="name")


class InterviewerSerializer(PersonSerializer):
    level = serializers.CharField(source="interviewer_level")
    company_experience = serializers.CharField()


class WindowSerializer(serializers.ModelSerializer):
    weekday = serializers.ChoiceField(choices=Weekday.choices, help_text="0 is Monday, 6 is Sunday.")

    class Meta:
        model = AvailabilityWindow
        fields = ("id", "weekday", "start_time", "end_time")


class BlockedDateSerializer(serializers.ModelSerializer):
    class Meta:
        model = BlockedDate
        fields = ("id", "date")


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
        for field in ("start", "end"):
            if field in data and not now - timedelta(days=1) <= data[field] <= now + timedelta(days=365):
                raise serializers.ValidationError({field: "Search within the coming year."})
        start = data.get("start") or now
        end = data.get("end") or start + timedelta(days=14)
        if end <= start:
            raise serializers.ValidationError({"end": "end must be after start."})
        if end - start > timedelta(days=28):
            raise serializers.ValidationError({"end": "Search at most 28 days at a time."})
        return {**data, "start": start, "end": end}


class QuestionSerializer(serializers.Serializer):
    title = serializers.CharField()
    company_context = serializers.CharField()
    prompt = serializers.CharField()
    follow_ups = serializers.ListField(child=serializers.DictField(), required=False)
    expectations = serializers.DictField(required=False)


class SessionSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()
    candidate = PersonSerializer()
    interviewer = InterviewerSerializer()
    video_url = serializers.CharField()
    question = serializers.SerializerMethodField(
        help_text="Hidden from the candidate until the session starts."
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
        data = QuestionSerializer(session.question).data
        if session.role_of(user) != "interviewer":
            data.pop("follow_ups")
            data.pop("expectations")
        return data


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


class AvailabilityView(APIView):
    """Your weekly availability windows (in your time zone). Adding one regenerates your slots."""

    @extend_schema(responses=WindowSerializer(many=True))
    def get(self, request):
        return Response(WindowSerializer(request.user.windows.all(), many=True).data)

    @extend_schema(request=WindowSerializer, responses={201: WindowSerializer})
    def post(self, request):
        serializer = WindowSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        window = availability.window_add(interviewer=request.user, **serializer.validated_data)
        return Response(WindowSerializer(window).data, status=status.HTTP_201_CREATED)


class AvailabilityDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        if not request.user.windows.filter(pk=pk).exists():
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        availability.window_delete(interviewer=request.user, window_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BlockedDatesView(APIView):
    """Dates (in your time zone) on which you take no sessions."""

    @extend_schema(responses=BlockedDateSerializer(many=True))
    def get(self, request):
        return Response(BlockedDateSerializer(request.user.blocked_dates.all(), many=True).data)

    @extend_schema(request=BlockedDateSerializer, responses={201: BlockedDateSerializer})
    def post(self, request):
        serializer = BlockedDateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        blocked = availability.blocked_date_add(
            interviewer=request.user, day=serializer.validated_data["date"]
        )
        return Response(BlockedDateSerializer(blocked).data, status=status.HTTP_201_CREATED)


class BlockedDateDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        if not request.user.blocked_dates.filter(pk=pk).exists():
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        availability.blocked_date_delete(interviewer=request.user, blocked_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SlotsView(APIView):
    """Open slots of interviewers who fit, best fit first.

    Defaults: your profile's target, the next 14 days.
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
        )
        return Response(SlotSerializer(slots, many=True).data)


class SessionsView(ListAPIView):
    """Your sessions, as candidate and as interviewer, upcoming first, 50 a page. POST books a slot."""

    serializer_class = SessionSerializer

    def get_queryset(self):
        upcoming, past = sessions_for_user(user=self.request.user)
        return upcoming + past

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
        session = session_for_user(request.user, pk)
        return Response(SessionSerializer(session, context={"request": request}).data)


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


class MatchWindowSerializer(serializers.Serializer):
    start = DateTimeField(help_text="ISO 8601 with an offset; stored in UTC.")
    end = DateTimeField()


class MatchRequestSerializer(serializers.ModelSerializer):
    windows = MatchWindowSerializer(many=True)
    target_level = serializers.ChoiceField(
        choices=Level.choices, required=False, help_text="Default: your profile's."
    )
    company_type = serializers.ChoiceField(choices=CompanyType.choices, required=False)
    session = serializers.IntegerField(source="session_id", read_only=True, allow_null=True)

    class Meta:
        model = MatchRequest
        fields = (
            "id",
            "status",
            "target_level",
            "company_type",
            "windows",
            "note",
            "created_at",
            "closed_at",
            "session",
        )
        read_only_fields = ("id", "status", "created_at", "closed_at", "session")


class MatchRequestsView(APIView):
    """Your match requests, newest first. POST asks for a match inside one or more windows."""

    @extend_schema(responses=MatchRequestSerializer(many=True))
    def get(self, request):
        return Response(MatchRequestSerializer(match_requests_for_user(user=request.user), many=True).data)

    @extend_schema(request=MatchRequestSerializer, responses={201: MatchRequestSerializer})
    def post(self, request):
        serializer = MatchRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = matching.match_request_create(
            candidate=request.user,
            windows=[(w["start"], w["end"]) for w in data["windows"]],
            target_level=data.get("target_level"),
            company_type=data.get("company_type"),
            note=data.get("note", ""),
        )
        return Response(
            MatchRequestSerializer(match_request_for_user(request.user, created.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class MatchRequestCancelView(APIView):
    @extend_schema(request=None, responses=MatchRequestSerializer)
    def post(self, request, pk: int):
        match_request = matching.match_request_cancel(
            request=match_request_for_user(request.user, pk), by=request.user
        )
        return Response(MatchRequestSerializer(match_request_for_user(request.user, match_request.pk)).data)
