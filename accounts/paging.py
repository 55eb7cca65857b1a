"""Paging long lists in the database (every app may use it)."""

from django.db.models import QuerySet


class JoinedAfterSlicing:
    """An ordered queryset that a paginator slices in the database before the related rows are
    joined. Sliced after the join, PostgreSQL joined every row first: it hashed all 20,000 members
    to show one page of a busy member's sessions (110 ms on the large data set of #18, 2 ms this
    way). Still two queries a page: the count and the page."""

    def __init__(self, queryset: QuerySet, *, related: tuple[str, ...]):
        self._queryset = queryset
        self._related = related

    def count(self) -> int:
        return self._queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        page = self._queryset.values("pk")[index]
        return list(self._queryset.filter(pk__in=page).select_related(*self._related))
