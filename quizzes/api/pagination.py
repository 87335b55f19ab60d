"""Page numbers for most lists; a cursor for the review log, which only grows."""

from __future__ import annotations

from typing import Any

from rest_framework import pagination
from rest_framework.response import Response


def link_header(next_url: str | None, previous_url: str | None) -> str:
    links = []
    if next_url:
        links.append(f'<{next_url}>; rel="next"')
    if previous_url:
        links.append(f'<{previous_url}>; rel="prev"')
    return ", ".join(links)


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=` (at most 500); a Link header too, for CSV clients."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        if link := link_header(self.get_next_link(), self.get_previous_link()):
            response["Link"] = link
        return response


class ReviewCursorPagination(pagination.CursorPagination):
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
