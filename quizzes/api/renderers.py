"""CSV for the review log and a bank's progress (`Accept: text/csv` or `?format=csv`)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rest_framework.renderers import BaseRenderer

# A cell starting with one of these is a formula to spreadsheet programs (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if key == "answer":
            # Answers have many shapes (null, "a", ["a"], {"c1": ...}): always JSON.
            out[name] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        elif isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


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
        flat = [_flatten(row) for row in rows]
        header = list(dict.fromkeys(key for row in flat for key in row))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for row in flat:
            writer.writerow([_cell(row.get(key)) for key in header])
        return out.getvalue().encode(self.charset)
