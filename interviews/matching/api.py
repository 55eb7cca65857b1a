"""The match-request API: ask for a match inside time windows, follow and cancel requests."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import CompanyType, Level
from interviews.fields import DateTimeField
from interviews.matching import services
from interviews.matching.models import MatchRequest
from interviews.matching.selectors import match_request_for_user, match_requests_for_user


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
        created = services.match_request_create(
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
        match_request = services.match_request_cancel(
            request=match_request_for_user(request.user, pk), by=request.user
        )
        return Response(MatchRequestSerializer(match_request_for_user(request.user, match_request.pk)).data)
