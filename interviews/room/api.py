"""The interview room over REST, for clients and tests: its state as you see it, and the
interviewer's actions (the same service the room's WebSocket calls)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from interviews.fields import DateTimeField
from interviews.room.models import INTERVENTIONS, NOTE_MAX_LENGTH
from interviews.room.selectors import room_session, room_state
from interviews.room.services import ACTIONS, room_act


class RoomPhaseSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    minutes = serializers.IntegerField(help_text="Suggested by the guide.")
    seconds = serializers.IntegerField(help_text="Spent so far.")
    over = serializers.BooleanField(help_text="Ran past its suggested minutes.")


class RoomClockSerializer(serializers.Serializer):
    started = serializers.BooleanField()
    finished = serializers.BooleanField()
    phase = serializers.IntegerField(allow_null=True, help_text="The running phase's place in `phases`.")
    running = serializers.BooleanField(help_text="False while paused.")
    phases = RoomPhaseSerializer(many=True)


class RoomPersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.CharField()


class RoomFactSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    label = serializers.CharField()
    value = serializers.CharField()
    revealed_at = DateTimeField(allow_null=True)


class RoomInterventionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=[str(kind) for kind in INTERVENTIONS])
    label = serializers.CharField()
    phase = serializers.IntegerField(allow_null=True)
    at = DateTimeField()
    undoable = serializers.BooleanField()


class RoomNoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    dimension = serializers.CharField(allow_blank=True)
    dimension_title = serializers.CharField(allow_blank=True)
    phase = serializers.IntegerField(allow_null=True)
    at = DateTimeField()


class RoomCountsSerializer(serializers.Serializer):
    hints = serializers.IntegerField()
    guidance = serializers.IntegerField()
    clarifications = serializers.IntegerField()


class RoomStateSerializer(serializers.Serializer):
    role = serializers.CharField()
    open = serializers.BooleanField(help_text="From 15 minutes before the start to 2 hours after the end.")
    now = DateTimeField()
    clock = RoomClockSerializer()
    present = RoomPersonSerializer(many=True)
    prompt_revealed_at = DateTimeField(allow_null=True)
    prompt = serializers.CharField(allow_blank=True, help_text="Empty for the candidate until revealed.")
    business_element = serializers.CharField(allow_blank=True)
    facts = RoomFactSerializer(many=True, help_text="The candidate gets the revealed ones only.")
    interventions = RoomInterventionSerializer(many=True, required=False, help_text="The interviewer's only.")
    counts = RoomCountsSerializer(required=False, help_text="The interviewer's only.")
    notes = RoomNoteSerializer(many=True, required=False, help_text="The interviewer's only.")


class RoomActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    fact = serializers.IntegerField(required=False, min_value=0, help_text="reveal_fact: which fact.")
    kind = serializers.ChoiceField(
        choices=[str(kind) for kind in INTERVENTIONS], required=False, help_text="log: what help."
    )
    event = serializers.IntegerField(required=False, help_text="undo: the logged entry's id.")
    text = serializers.CharField(required=False, max_length=NOTE_MAX_LENGTH, help_text="note: its text.")
    dimension = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="note: a rubric dimension's key, or blank."
    )
    note = serializers.IntegerField(required=False, help_text="delete_note: the note's id.")


class RoomView(APIView):
    @extend_schema(responses=RoomStateSerializer)
    def get(self, request, pk: int):
        """The session's room as you see it (its two people only; a cancelled session has none)."""
        session = room_session(request.user, pk)
        return Response(RoomStateSerializer(room_state(session, request.user)).data)


class RoomActionView(APIView):
    @extend_schema(request=RoomActionSerializer, responses=RoomStateSerializer)
    def post(self, request, pk: int):
        """The interviewer's actions: start, next, pause, resume the clock; reveal the prompt or a
        fact; log help (hint, guidance, clarification) and undo it within a minute; write or
        delete a note. 403 for the candidate, 409 when the room is closed or the action does not
        fit its state."""
        serializer = RoomActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        room_act(user=request.user, session_id=pk, action=data.pop("action"), data=data)
        session = room_session(request.user, pk)
        return Response(RoomStateSerializer(room_state(session, request.user)).data)
