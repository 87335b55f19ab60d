"""Page numbers for most lists; a cursor for the review log, which only grows.

`page_size` must be a whole number from 1 to the list's maximum: anything else is a 400 (DRF
would silently use the default), and the schema states the bounds. Likewise `page`, when given,
must be a whole number from 1 (DRF reads an empty one as page 1); a page past the end is a 404.
"""

from __future__ import annotations

from typing import Any

from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

PAGE_SIZE_INVALID = "Must be a whole number from 1 to {maximum}."
PAGE_INVALID = "Must be a whole number from 1."


class _StrictPageSize:
    page_size: int
    page_size_query_param: str
    max_page_size: int

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size or raw.strip() != str(size):
            message = PAGE_SIZE_INVALID.format(maximum=self.max_page_size)
            raise ValidationError({self.page_size_query_param: [message]})
        return size

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)  # type: ignore[misc]
        for parameter in parameters:
            if parameter["name"] == getattr(self, "page_query_param", None):
                parameter["schema"] = {**parameter["schema"], "minimum": 1}
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    **parameter["schema"],
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
        return parameters


def link_header(next_url: str | None, previous_url: str | None) -> str:
    links = []
    if next_url:
        links.append(f'<{next_url}>; rel="next"')
    if previous_url:
        links.append(f'<{previous_url}>; rel="prev"')
    return ", ".join(links)


class PageNumberPagination(_StrictPageSize, pagination.PageNumberPagination):
    """`?page=` and `?page_size=` (at most 500); a Link header too, for CSV clients."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    last_page_strings = ()  # the schema says an integer: DRF's "last" is not one

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            raise ValidationError({self.page_query_param: [PAGE_INVALID]})
        return int(raw)

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        if link := link_header(self.get_next_link(), self.get_previous_link()):
            response["Link"] = link
        return response


class ReviewCursorPagination(_StrictPageSize, pagination.CursorPagination):
    """Newest first; the cursor stays valid while new reviews are appended."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = ("-reviewed_at", "-id")

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        if link := link_header(self.get_next_link(), self.get_previous_link()):
            response["Link"] = link
        return response
