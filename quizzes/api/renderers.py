"""CSV for the review log and a bank's progress (`Accept: text/csv` or `?format=csv`)."""

from __future__ import annotations

from typing import Any

from rest_framework.renderers import BaseRenderer

from quizzes.tabular import csv_text


class CSVRenderer(BaseRenderer):
    """A list of objects (or a page of them) as CSV, nested objects flattened to `a.b` columns.

    Paging links travel in the Link header, so a client follows them as for JSON.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        rows = data.get("results", [data]) if isinstance(data, dict) else list(data or [])
        return csv_text(rows).encode(self.charset)
