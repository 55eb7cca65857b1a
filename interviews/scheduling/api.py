"""The availability API: weekly windows and dates off, in the interviewer's own zone."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from interviews.scheduling import services
from interviews.scheduling.models import AvailabilityWindow, BlockedDate, Weekday
from interviews.scheduling.selectors import blocked_date_for_user, window_for_user


class WindowSerializer(serializers.ModelSerializer):
    weekday = serializers.ChoiceField(choices=Weekday.choices, help_text="0 is Monday, 6 is Sunday.")

    class Meta:
        model = AvailabilityWindow
        fields = ("id", "weekday", "start_time", "end_time")


class BlockedDateSerializer(serializers.ModelSerializer):
    class Meta:
        model = BlockedDate
        fields = ("id", "date")


class AvailabilityView(APIView):
    """Your weekly availability windows (in your time zone). Adding one regenerates your slots."""

    @extend_schema(responses=WindowSerializer(many=True))
    def get(self, request):
        return Response(WindowSerializer(request.user.windows.all(), many=True).data)

    @extend_schema(request=WindowSerializer, responses={201: WindowSerializer})
    def post(self, request):
        serializer = WindowSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        window = services.window_add(interviewer=request.user, **serializer.validated_data)
        return Response(WindowSerializer(window).data, status=status.HTTP_201_CREATED)


class AvailabilityDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        services.window_delete(window=window_for_user(request.user, pk))
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
        blocked = services.blocked_date_add(interviewer=request.user, day=serializer.validated_data["date"])
        return Response(BlockedDateSerializer(blocked).data, status=status.HTTP_201_CREATED)


class BlockedDateDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        services.blocked_date_delete(blocked=blocked_date_for_user(request.user, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
