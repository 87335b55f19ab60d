"""The native kmodquiz-bank JSON format (docs/formats.md), validated by its JSON Schema."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from quizzes.importers.base import (
    ImportProblem,
    ParsedBank,
    ParsedQuestion,
    ParsedTopic,
    ParseError,
)
from quizzes.importers.checks import spec_problems

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "bank.schema.json"


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _question_lines(text: str) -> dict[str, int]:
    """Line number of each question's `"id": "..."` (json has no positions of its own)."""
    lines: dict[str, int] = {}
    for match in re.finditer(r'"id"\s*:\s*"((?:[^"\\]|\\.)*)"', text):
        lines.setdefault(match.group(1), text.count("\n", 0, match.start()) + 1)
    return lines


def parse(text: str | bytes) -> ParsedBank:
    """Parse and validate a native bank file; raise ParseError listing every problem found."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParseError([ImportProblem(f"the file is not UTF-8 ({exc.reason})")]) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(
            [ImportProblem(f"invalid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno)]
        ) from exc

    lines = _question_lines(text)

    def line_of(parts: list[Any]) -> int | None:
        if len(parts) >= 2 and parts[0] == "questions" and isinstance(parts[1], int):
            try:
                return lines.get(str(data["questions"][parts[1]].get("id")))
            except (KeyError, IndexError, TypeError, AttributeError):
                return None
        return None

    validator = jsonschema.Draft202012Validator(schema())
    problems = [
        ImportProblem(
            error.message, line=line_of(list(error.absolute_path)), path=_path(error.absolute_path)
        )
        for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path)))
    ]
    if problems:
        raise ParseError(problems)

    topics = [ParsedTopic(t["slug"], t["title"], t.get("parent")) for t in data["topics"]]
    seen_topics: set[str] = set()
    for index, topic in enumerate(topics):
        where = f"topics[{index}]"
        if topic.slug in seen_topics:
            problems.append(ImportProblem(f"duplicate topic slug {topic.slug!r}", path=where))
        if topic.parent and topic.parent not in seen_topics:
            problems.append(
                ImportProblem(
                    f"parent {topic.parent!r} must be a topic listed before this one",
                    path=f"{where}.parent",
                )
            )
        seen_topics.add(topic.slug)

    questions: list[ParsedQuestion] = []
    seen_ids: set[str] = set()
    for index, raw in enumerate(data["questions"]):
        where = f"questions[{index}]"
        line = lines.get(raw["id"])
        if raw["id"] in seen_ids:
            problems.append(
                ImportProblem(f"duplicate question id {raw['id']!r}", line, where + ".id")
            )
        seen_ids.add(raw["id"])
        for slug in raw["topics"]:
            if slug not in seen_topics:
                problems.append(ImportProblem(f"unknown topic {slug!r}", line, where + ".topics"))
        for field, message in spec_problems(raw["kind"], raw["spec"]):
            problems.append(ImportProblem(message, line, f"{where}.spec.{field}"))
        questions.append(
            ParsedQuestion(
                external_id=raw["id"],
                kind=raw["kind"],
                prompt=raw["prompt"],
                explanation=raw["explanation"],
                spec=raw["spec"],
                difficulty=raw["difficulty"],
                source=raw["source"],
                since=raw.get("since", ""),
                tags=tuple(raw.get("tags", [])),
                topics=tuple(raw["topics"]),
                line=line,
            )
        )
    if problems:
        raise ParseError(problems)
    bank = data["bank"]
    return ParsedBank(
        slug=bank["slug"],
        title=bank["title"],
        description=bank.get("description", ""),
        version=bank.get("version", ""),
        topics=topics,
        questions=questions,
    )
