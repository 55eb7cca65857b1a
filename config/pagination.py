from rest_framework import pagination
from rest_framework.exceptions import NotFound


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's page numbers, where a page given twice or left blank is an invalid page (404) like any
    other, instead of silently the last value or the first page."""

    def get_page_number(self, request, paginator):
        values = request.query_params.getlist(self.page_query_param)
        if len(values) > 1 or values == [""]:
            raise NotFound("Invalid page: give one page number, or none for the first page.")
        return super().get_page_number(request, paginator)
