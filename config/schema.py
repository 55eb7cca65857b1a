"""The OpenAPI schema (drf-spectacular) says what the API really answers: every error status an
operation can give, with the error body of config/api.py, and wall-clock times as they are sent."""

import re

from drf_spectacular import openapi
from rest_framework import serializers

# Times of day are wall-clock times in the member's zone ("17:00:00"), with no offset; OpenAPI's
# `format: time` (RFC 3339) would demand one.
TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"


class ErrorSerializer(serializers.Serializer):
    """Every API error: a message for people, and for invalid input the messages by field."""

    detail = serializers.CharField()
    errors = serializers.DictField(
        required=False, help_text="Invalid input only: the messages for each field (or non_field_errors)."
    )

    class Meta:
        ref_name = "Error"


class AutoSchema(openapi.AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.TimeField) and schema.get("format") == "time":
            del schema["format"]
            schema["pattern"] = TIME_PATTERN
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in self._error_statuses().items():
            if str(code) not in responses:
                response = self._get_response_for_code(ErrorSerializer, str(code), direction=direction)
                response["description"] = description
                responses[str(code)] = response
        return responses

    def _error_statuses(self) -> dict[int, str]:
        method = self.method.upper()
        has_body = method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None
        paginated = method == "GET" and self._is_list_view() and self._get_paginator() is not None
        has_query = bool(self.get_override_parameters())  # a bad page number is a 404, below
        statuses = {}
        if has_body or has_query or method != "GET":
            # A write without a body can still be refused by a rule (a no-show reported too early).
            statuses[400] = "Invalid input, or a rule refused it: `detail` says what, `errors` by field."
        if self.get_auth():
            # The first authenticator is the session's, which has no challenge: DRF answers 403.
            statuses[403] = "Not signed in (no or a bad token), or not allowed to do this."
        if re.search(r"{\w+}", self.path) or paginated:
            statuses[404] = "Not found, or not yours (or, for a list, no such page)."
        if method != "GET" and not self.path.endswith(("/auth/token/", "/me/")):
            statuses[409] = "The world changed: e.g. the slot was just taken, the session already cancelled."
        if has_body:
            statuses[413] = "The request body is too large."
            statuses[415] = "The body is not JSON, a form or multipart."
        if getattr(self.view, "throttle_classes", None):
            statuses[429] = "Too many attempts: wait, as `detail` says."
        return statuses
