"""Query helpers every app may use."""

from collections.abc import Iterable

from django.db import connection
from django.db.models.expressions import RawSQL


def id_set(ids: Iterable[int]):
    """Ids to filter by (`field__in=id_set(ids)`). On PostgreSQL a subquery over one array
    parameter: a matching round's 6,666 interviewers as placeholders cost more to build, quote and
    parse than the query takes to run. Elsewhere the list itself."""
    ids = list(ids)
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return ids
