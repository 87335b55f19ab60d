"""The last check before anything is written, whatever the file's format.

Each parser checks its own syntax and the native rules; this checks what the database needs of
every parsed question once more, so that no parser's slip becomes a server error: lengths that
fit the columns, text without NUL or lone surrogates (PostgreSQL refuses both), a known kind, a
difficulty of 1-3, unique ids. With `check_specs` it also checks each answer spec against the
native format's JSON Schema and consistency rules.
"""

from __future__ import annotations

import json
import re
from typing import Any

from quizzes.importers.base import ImportProblem, ParsedBank, ParsedQuestion, excerpt
from quizzes.importers.checks import spec_problems
from quizzes.importers.native import bad_strings, spec_schema_errors
from quizzes.models import QuestionKind

# Column sizes (quizzes.models): a longer value must be refused here, not by the database.
MAX_EXTERNAL_ID = 100
MAX_SOURCE = 300
MAX_SINCE = 50
MAX_TOPIC_SLUG = 200
MAX_TITLE = 200
MAX_VERSION = 50

TOO_LONG = "is {length:,} characters long; at most {limit:,} fit"
EMPTY_ID = "has no id"
BAD_TEXT = "contains a {what}, which cannot be stored"
DUPLICATE_ID = "the id {id!r} is used by another question of the file (line {line})"
UNKNOWN_KIND = "{kind!r} is not a question kind kmodquiz knows"
BAD_DIFFICULTY = "difficulty must be 1, 2 or 3"
NOT_AN_OBJECT = "the answer spec must be an object"

# In JSON text (ensure_ascii off): an escaped NUL, or a surrogate left as it is.
_SUSPECT = re.compile(r"\\u0000|[\ud800-\udfff]")


def _join(where: str, parts: Any) -> str:
    return where + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def _text_problems(value: Any, where: str, line: int | None) -> list[ImportProblem]:
    return [
        ImportProblem(BAD_TEXT.format(what=why), line, _join(where, path))
        for path, why in bad_strings(value, ())
    ]


def _all_text_storable(parsed: ParsedBank) -> bool:
    """One pass over every string of the bank at C speed: JSON escapes a NUL as \\u0000 and
    leaves a lone surrogate as it is, so one search finds either (or says to look closer)."""
    document = [
        [parsed.title, parsed.description, parsed.version],
        [[t.slug, t.title] for t in parsed.topics],
        [
            [q.external_id, q.prompt, q.explanation, q.source, q.since, q.tags, q.topics, q.spec]
            for q in parsed.questions
        ],
    ]
    try:
        text = json.dumps(document, ensure_ascii=False)
    except (TypeError, ValueError):
        return False  # something that is not JSON: the slow walk says where
    return _SUSPECT.search(text) is None


def parsed_bank_problems(parsed: ParsedBank, *, check_specs: bool = False) -> list[ImportProblem]:
    """Every reason the parsed bank cannot be stored as it is (an empty list when it can)."""
    problems: list[ImportProblem] = []
    walk_text = not _all_text_storable(parsed)

    def length(value: str, limit: int, line: int | None, path: str) -> None:
        if len(value) > limit:
            message = TOO_LONG.format(length=len(value), limit=limit)
            problems.append(ImportProblem(message, line, path, text=excerpt(value)))

    for index, topic in enumerate(parsed.topics):
        length(topic.slug, MAX_TOPIC_SLUG, None, f"topics[{index}].slug")
        length(topic.title, MAX_TITLE, None, f"topics[{index}].title")
        problems += _text_problems(
            {"slug": topic.slug, "title": topic.title}, f"topics[{index}]", None
        )
    length(parsed.title, MAX_TITLE, None, "bank.title")
    length(parsed.version, MAX_VERSION, None, "bank.version")
    bank_text = {
        "title": parsed.title,
        "description": parsed.description,
        "version": parsed.version,
    }
    if walk_text:
        problems += _text_problems(bank_text, "bank", None)

    first_line: dict[str, int | None] = {}
    kinds = set(QuestionKind.values)
    for index, question in enumerate(parsed.questions):
        where = f"questions[{index}]"
        problems += _question_problems(question, where, kinds, check_specs, length, walk_text)
        if question.external_id in first_line:
            line = first_line[question.external_id] or "?"
            message = DUPLICATE_ID.format(id=excerpt(question.external_id, 60), line=line)
            problems.append(ImportProblem(message, question.line, f"{where}.id"))
        else:
            first_line[question.external_id] = question.line
    return problems


def _question_problems(
    q: ParsedQuestion, where: str, kinds: set[str], check_specs: bool, length: Any, walk_text: bool
) -> list[ImportProblem]:
    problems: list[ImportProblem] = []
    line = q.line
    if not q.external_id:
        problems.append(ImportProblem(EMPTY_ID, line, f"{where}.id"))
    length(q.external_id, MAX_EXTERNAL_ID, line, f"{where}.id")
    length(q.source, MAX_SOURCE, line, f"{where}.source")
    length(q.since, MAX_SINCE, line, f"{where}.since")
    for slug in q.topics:
        length(slug, MAX_TOPIC_SLUG, line, f"{where}.topics")
    if q.kind not in kinds:
        message = UNKNOWN_KIND.format(kind=excerpt(q.kind, 40))
        problems.append(ImportProblem(message, line, f"{where}.kind"))
    if isinstance(q.difficulty, bool) or q.difficulty not in (1, 2, 3):
        problems.append(ImportProblem(BAD_DIFFICULTY, line, f"{where}.difficulty"))
    fields = {
        "id": q.external_id,
        "prompt": q.prompt,
        "explanation": q.explanation,
        "source": q.source,
        "since": q.since,
        "tags": list(q.tags),
        "topics": list(q.topics),
        "spec": q.spec,
    }
    if walk_text:
        problems += _text_problems(fields, where, line)
    if not isinstance(q.spec, dict):
        problems.append(ImportProblem(NOT_AN_OBJECT, line, f"{where}.spec"))
        return problems
    if not check_specs or q.kind not in kinds:
        return problems
    errors = spec_schema_errors(q.kind, q.spec)
    for parts, message in errors:
        problems.append(ImportProblem(message, line, _join(f"{where}.spec", parts)))
    if not errors:
        for field, message in spec_problems(q.kind, q.spec):
            problems.append(ImportProblem(message, line, f"{where}.spec.{field}"))
    return problems
