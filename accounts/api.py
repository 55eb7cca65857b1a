from allauth.account.adapter import get_adapter
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.credits import HOW_TO_EARN, SESSION_PRICE, credit_entries
from accounts.models import CreditEntry, User
from accounts.services import (
    NOTIFICATION_PREFERENCES,
    PROFILE_FIELDS,
    TooManyAttempts,
    member_delete,
    notification_preferences_update,
    profile_update,
    token_issue,
    token_revoke,
)


class ClientScopedRateThrottle(ScopedRateThrottle):
    """Counts per client address as allauth's limits do (TRUSTED_PROXY_COUNT), never per a raw
    X-Forwarded-For a client can make up."""

    def get_ident(self, request):
        return get_adapter(request).get_client_ip(request)


class MeSerializer(serializers.ModelSerializer):
    onboarded = serializers.BooleanField(source="is_onboarded", read_only=True)
    # Range checks come from the model (via profile_update) so both interfaces say the same thing.
    sessions_per_week = serializers.IntegerField(required=False, allow_null=True)
    level_claim = serializers.CharField(
        read_only=True, help_text="A level claimed that awaits staff approval (L5+ needs it), or empty."
    )
    interviewer_status = serializers.SerializerMethodField(
        help_text="`new` until staff vet you (your evaluations are provisional meanwhile), then `vetted`."
    )

    class Meta:
        model = User
        fields = ("id", "email", "onboarded", *PROFILE_FIELDS, "level_claim", "interviewer_status")
        read_only_fields = ("id", "email")

    def get_interviewer_status(self, user) -> str | None:
        if not user.is_interviewer:
            return None
        return "new" if user.interviewer_vetted_at is None else "vetted"


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    code = serializers.CharField(required=False, allow_blank=True, help_text="Needed when two-factor is on.")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(source="key")


class TokenView(APIView):
    """POST exchanges e-mail and password (and the two-factor code, when on) for a personal API
    token: send it as `Authorization: Token <token>`. DELETE revokes it."""

    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "token"

    def _revoking(self) -> bool:
        return getattr(self.request, "method", None) == "DELETE"

    def get_authenticators(self):
        return super().get_authenticators() if self._revoking() else []

    def get_permissions(self):
        return super().get_permissions() if self._revoking() else [AllowAny()]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer}, auth=[])
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            token = token_issue(request=request._request, **serializer.validated_data)
        except TooManyAttempts as exc:
            raise Throttled(detail=exc.message) from None
        return Response(TokenSerializer(token).data, status=status.HTTP_200_OK)


class MeView(APIView):
    """Your own profile. PATCH applies the same rules as the profile page."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request):
        serializer = MeSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = profile_update(user=request.user, data=serializer.validated_data)
        return Response(MeSerializer(user).data)


CREDIT_HISTORY = 50


class CreditEntrySerializer(serializers.ModelSerializer):
    cause_display = serializers.CharField(source="get_cause_display", read_only=True)
    session = serializers.IntegerField(source="session_id", read_only=True, allow_null=True)

    class Meta:
        model = CreditEntry
        fields = ("id", "created_at", "amount", "balance_after", "cause", "cause_display", "session", "note")


class CreditsSerializer(serializers.Serializer):
    balance = serializers.IntegerField()
    session_price = serializers.IntegerField()
    can_book = serializers.BooleanField()
    how_to_earn = serializers.CharField()
    entries = CreditEntrySerializer(
        many=True, help_text=f"The latest {CREDIT_HISTORY} changes, newest first."
    )


class NotificationPreferencesSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = NOTIFICATION_PREFERENCES


class MyNotificationsView(APIView):
    """Which reminders you get: 24 hours and 1 hour before a session, and when a rubric of yours is
    overdue. Confirmations, reschedules and cancellations always go."""

    @extend_schema(responses=NotificationPreferencesSerializer)
    def get(self, request):
        return Response(NotificationPreferencesSerializer(request.user).data)

    @extend_schema(request=NotificationPreferencesSerializer, responses=NotificationPreferencesSerializer)
    def patch(self, request):
        serializer = NotificationPreferencesSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = notification_preferences_update(user=request.user, data=serializer.validated_data)
        return Response(NotificationPreferencesSerializer(user).data)


class AccountDeleteSerializer(serializers.Serializer):
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class MyAccountDeleteView(APIView):
    """Delete your account: your personal data is erased, your upcoming sessions are cancelled
    with notices, and past sessions stay with the other person as with "a former member"
    (docs/leaving.md). Needs your password. Irreversible."""

    @extend_schema(request=AccountDeleteSerializer, responses={204: None})
    def post(self, request):
        serializer = AccountDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not request.user.check_password(serializer.validated_data["password"]):
            raise serializers.ValidationError({"password": ["That is not your password."]})
        member_delete(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyCreditsView(APIView):
    """Your credits: the balance, what a session costs, how to earn more, and the latest changes
    (each with its cause)."""

    @extend_schema(responses=CreditsSerializer)
    def get(self, request):
        user = request.user
        data = {
            "balance": user.credit_balance,
            "session_price": SESSION_PRICE,
            "can_book": user.credit_balance >= SESSION_PRICE and not user.booking_paused(),
            "how_to_earn": HOW_TO_EARN,
            "entries": credit_entries(user=user)[:CREDIT_HISTORY],
        }
        return Response(CreditsSerializer(data).data)
