"""Request parsers for the API: DRF's, plus the limits that keep bad bodies 4xx instead of 500."""

from django.conf import settings
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.settings import api_settings
from rest_framework.utils import json

# No request of ours nests more than a few levels; anything deeper is not meant for us.
MAX_JSON_DEPTH = 32


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self):
        limit_kb = (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) // 1024
        super().__init__(f"The request body is too large: at most {limit_kb} KB.")


def _read_within_limit(stream) -> bytes:
    if stream is None:
        return b""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return stream.read()
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise PayloadTooLarge()
    return raw


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser that also refuses, with a 4xx: a body over DATA_UPLOAD_MAX_MEMORY_SIZE
    (413, as Django does for forms), nesting deeper than MAX_JSON_DEPTH, and text that cannot be
    encoded (a lone surrogate escape such as "\\ud800")."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = _read_within_limit(stream)
        encoding = parsers.get_encoding(parser_context or {})
        parse_constant = json.strict_constant if api_settings.STRICT_JSON else None
        try:
            data = json.loads(raw.decode(encoding), parse_constant=parse_constant)
        except RecursionError:
            raise ParseError(f"JSON nested too deep: at most {MAX_JSON_DEPTH} levels.") from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        _check(data)
        return data


def _check(data) -> None:
    # Iterative, so a deep document cannot exhaust the stack here either.
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise ParseError(f"JSON nested too deep: at most {MAX_JSON_DEPTH} levels.")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    _check_text(key)
                pending.append((item, depth + 1))
        elif isinstance(value, str):
            _check_text(value)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ParseError(
            "The request body has text that cannot be encoded: a lone surrogate escape such as \\ud800."
        ) from None
