"""Export to CSV (docs/formats.md#csv): every kind, one row per question, lossless but for
topic titles (a topic is written as its slug).

UTF-8 with a byte-order mark and CRLF line ends, as Excel expects; a cell that a spreadsheet
would run as a formula (starting with = + - @) is written with a leading apostrophe, which the
importer removes again.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from quizzes.exporters.base import ExportResult, SkipLog
from quizzes.importers.base import ParsedBank, ParsedQuestion
from quizzes.importers.csvfile import COMMON_COLUMNS, FORMULA_START, SINGLE_COLUMNS

CONTENT_TYPE = "text/csv; charset=utf-8"


def _cell(value: Any) -> str:
    text = "true" if value is True else "false" if value is False else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _row(q: ParsedQuestion) -> dict[str, Any]:
    spec = q.spec
    row: dict[str, Any] = {
        "id": q.external_id,
        "kind": q.kind,
        "topics": ";".join(q.topics),
        "difficulty": q.difficulty,
        "source": q.source,
        "since": q.since,
        "tags": ";".join(q.tags),
        "prompt": q.prompt,
        "explanation": q.explanation,
    }
    if q.kind == "flashcard":
        row["back"] = spec["back"]
    elif q.kind in ("single_choice", "multiple_choice"):
        ids = [o["id"] for o in spec["options"]]
        for index, option in enumerate(spec["options"], start=1):
            row[f"option_{index}"] = option["text"]
        correct = [spec["correct"]] if q.kind == "single_choice" else spec["correct"]
        row["correct"] = ";".join(str(ids.index(c) + 1) for c in correct)
        if "shuffle" in spec:
            row["shuffle"] = spec["shuffle"]
    elif q.kind == "true_false":
        row["correct"] = spec["correct"]
    elif q.kind in ("short_answer", "shell_command"):
        for index, answer in enumerate(spec["accepted"], start=1):
            row[f"accepted_{index}"] = answer
        for key in ("case_sensitive", "tolerance", "allow_literal_release"):
            if key in spec:
                row[key] = spec[key]
    elif q.kind == "cloze":
        row["text"] = spec["text"]
        row["alternatives"] = "\n".join(
            f"{key}: {value}"
            for key, values in spec.get("alternatives", {}).items()
            for value in values
        )
    elif q.kind == "ordering":
        texts = {i["id"]: i["text"] for i in spec["items"]}
        for index, item_id in enumerate(spec["correct_order"], start=1):
            row[f"item_{index}"] = texts[item_id]
    elif q.kind == "matching":
        right = {r["id"]: r["text"] for r in spec["right"]}
        for index, left in enumerate(spec["left"], start=1):
            row[f"left_{index}"] = left["text"]
            row[f"right_{index}"] = right[spec["pairs"][left["id"]]]
        used = set(spec["pairs"].values())
        for index, r in enumerate((r for r in spec["right"] if r["id"] not in used), start=1):
            row[f"distractor_{index}"] = r["text"]
    return row


def export(parsed: ParsedBank) -> ExportResult:
    """The bank as CSV (UTF-8 with BOM, comma-separated, CRLF)."""
    log = SkipLog()
    rows = [_row(q) for q in parsed.questions]
    for q in parsed.questions:
        if any("\n" in v for vs in q.spec.get("alternatives", {}).values() for v in vs):
            log.add(q.external_id, "a cloze alternative over several lines")
    numbered: dict[str, int] = {}
    for row in rows:
        for key in row:
            prefix, _, number = key.rpartition("_")
            if number.isdigit():
                numbered[prefix] = max(numbered.get(prefix, 0), int(number))
    header = list(COMMON_COLUMNS) + list(SINGLE_COLUMNS)
    for prefix in ("option", "accepted", "item", "left", "right", "distractor"):
        header += [f"{prefix}_{n}" for n in range(1, numbered.get(prefix, 0) + 1)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row[name]) if name in row else "" for name in header])
    if parsed.topics:
        log.add("*", "topic titles (a topic is written as its slug)")
    content = ("\ufeff" + out.getvalue()).encode()
    return ExportResult(content, f"{parsed.slug}.csv", CONTENT_TYPE, log.entries())
