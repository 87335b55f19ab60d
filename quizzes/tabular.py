"""Rows of dicts as CSV, for the API's CSV renderer and the pages' downloads alike.

Nested objects become `a.b` columns; answers and lists stay JSON; a cell that a spreadsheet
would read as a formula is quoted (CSV injection).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

# A cell starting with one of these is a formula to spreadsheet programs (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if key == "answer":
            # Answers have many shapes (null, "a", ["a"], {"c1": ...}): always JSON.
            out[name] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        elif isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(rows: Iterable[dict[str, Any]]) -> str:
    """The rows as CSV text; the header is every key, in order of first appearance."""
    flat = [flatten(row) for row in rows]
    header = list(dict.fromkeys(key for row in flat for key in row))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in flat:
        writer.writerow([cell(row.get(key)) for key in header])
    return out.getvalue()


def csv_response(rows: Iterable[dict[str, Any]], *, filename: str) -> HttpResponse:
    """A CSV download of the rows."""
    response = HttpResponse(csv_text(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
