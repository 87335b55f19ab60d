"""Export a bank to the native kmodquiz-bank JSON format (docs/formats.md), losslessly.

What is exported re-imports as "unchanged": the same topics (parents before children), and every
active question with its fields as authored, topics in their original order (the first is the
primary one). Retired questions are left out: re-importing the file keeps them retired.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from quizzes.exporters.base import ExportResult
from quizzes.importers.base import ParsedBank

if TYPE_CHECKING:
    from quizzes.models import Bank

FORMAT = "kmodquiz-bank"
FORMAT_VERSION = 1
CONTENT_TYPE = "application/json"


def document(parsed: ParsedBank) -> dict[str, Any]:
    """The bank as a native-format document (a dict ready for json.dumps)."""
    questions = []
    for q in parsed.questions:
        item: dict[str, Any] = {
            "id": q.external_id,
            "kind": q.kind,
            "topics": list(q.topics),
            "difficulty": q.difficulty,
            "source": q.source,
            **({"since": q.since} if q.since else {}),
            "prompt": q.prompt,
            "explanation": q.explanation,
        }
        if q.tags:
            item["tags"] = list(q.tags)
        item["spec"] = q.spec
        questions.append(item)
    head: dict[str, Any] = {"slug": parsed.slug, "title": parsed.title}
    if parsed.description:
        head["description"] = parsed.description
    if parsed.version:
        head["version"] = parsed.version
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "bank": head,
        "topics": [
            {"slug": t.slug, "title": t.title, **({"parent": t.parent} if t.parent else {})}
            for t in parsed.topics
        ],
        "questions": questions,
    }


def export(parsed: ParsedBank) -> ExportResult:
    """UTF-8 JSON, one level of indent like the fixture; nothing is ever skipped."""
    text = json.dumps(document(parsed), ensure_ascii=False, indent=1) + "\n"
    return ExportResult(text.encode(), f"{parsed.slug}.json", CONTENT_TYPE)


def bank_export(bank: Bank) -> dict[str, Any]:
    """The bank as a native-format document. Three queries."""
    from quizzes.exporters.source import parsed_bank_from_db  # the ORM, kept out of export()

    return document(parsed_bank_from_db(bank))


def bank_export_text(bank: Bank) -> str:
    """The export as the text of a file."""
    from quizzes.exporters.source import parsed_bank_from_db

    return export(parsed_bank_from_db(bank)).content.decode()
