"""The native kmodquiz-bank JSON format (docs/formats.md), validated by its JSON Schema.

Hostile files are refused with a problem, never a crash: nesting deeper than the limit is found
before `json.loads` could overflow, a repeated key is an error (JSON parsers silently keep the
last), NaN, Infinity and numbers too long to convert are values of no type the schema accepts,
NUL characters and lone surrogates (which PostgreSQL cannot store) are refused, and the schema
bounds every field that has a column. Each problem names the JSON path, line and column of the
offending value, and quotes at most a few dozen characters of it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from quizzes.importers.base import (
    ImportProblem,
    ParsedBank,
    ParsedQuestion,
    ParsedTopic,
    ParseError,
    ParseLimits,
    excerpt,
)
from quizzes.importers.checks import spec_problems
from quizzes.importers.jsonsource import JsonSource, Path, deeper_than
from quizzes.importers.native_schema import (
    OddNumber,
    describe_schema_error,
    parse_json_float,
    parse_json_int,
    question_schema_errors,
    schema,
    schema_errors,
    spec_schema_errors,
)

# Also the native parser's own API (other modules import them from here).
__all__ = [
    "bad_strings",
    "describe_schema_error",
    "json_path",
    "parse",
    "question_schema_errors",
    "schema",
    "spec_schema_errors",
]

NOT_UTF8 = "the file is not UTF-8 (byte 0x{byte:02X} cannot start a character)"
INVALID_JSON = "invalid JSON: {reason}"
TOO_DEEP = "the JSON nests deeper than {limit} levels"
DUPLICATE_KEY = "the key {key} appears twice in this object (JSON keeps only one)"
BAD_TEXT = "contains a {what}, which cannot be stored"
TOO_MANY = "the file has {count:,} questions (at most {limit:,} in one import)"

# Escapes that decode to a NUL or a (possibly lone) surrogate: only then is every string looked at.
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
_BAD_CHAR = re.compile("[\x00\ud800-\udfff]")


def json_path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def bad_strings(value: Any, path: Path) -> list[tuple[Path, str]]:
    """(path, why) of every string (or key) holding a NUL or a lone surrogate; iterative."""
    found: list[tuple[Path, str]] = []
    stack: list[tuple[Path, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            if hit := _BAD_CHAR.search(item):
                why = "NUL character" if hit.group() == "\x00" else "lone UTF-16 surrogate"
                found.append((where, why))
        elif isinstance(item, dict):
            for key, child in item.items():
                if _BAD_CHAR.search(key):
                    found.append(((*where, key), "key with a NUL or a lone surrogate"))
                stack.append(((*where, key), child))
        elif isinstance(item, list):
            stack.extend(((*where, i), child) for i, child in enumerate(item))
    return sorted(found, key=lambda f: [str(p) for p in f[0]])


def _decode(data: str | bytes) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        head = data[: exc.start]
        line = head.count(b"\n") + 1
        column = len(head[head.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        message = NOT_UTF8.format(byte=data[exc.start])
        raise ParseError([ImportProblem(message, line=line, column=column)]) from exc


def _load(source: JsonSource, limits: ParseLimits) -> tuple[Any, bool]:
    """The parsed document, and whether some object repeated a key."""
    text = source.text
    if deeper_than(text, limits.max_depth) and (where := source.too_deep(limits.max_depth)):
        message = TOO_DEEP.format(limit=limits.max_depth)
        raise ParseError([ImportProblem(message, line=where[0], column=where[1])])
    repeated = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeated
        obj = dict(items)
        repeated = repeated or len(obj) != len(items)
        return obj

    try:
        document = json.loads(
            text,
            object_pairs_hook=pairs,
            parse_int=parse_json_int,
            parse_float=parse_json_float,
            parse_constant=OddNumber,
        )
    except json.JSONDecodeError as exc:
        problem = ImportProblem(INVALID_JSON.format(reason=exc.msg), exc.lineno, column=exc.colno)
        raise ParseError([problem]) from exc
    except RecursionError as exc:  # the depth check makes this unreachable; never a 500
        raise ParseError([ImportProblem(TOO_DEEP.format(limit=limits.max_depth))]) from exc
    return document, repeated


def _locate(
    source: JsonSource, found: list[tuple[Path, str]], extra: list[ImportProblem] | None = None
) -> list[ImportProblem]:
    """Problems (path, message) with the line and column of their values, in file order."""
    positions = source.positions({path for path, _m in found})
    problems = list(extra or [])
    for path, message in found:
        line, column = positions.get(path, (None, None))
        problems.append(ImportProblem(message, line, json_path(path), column=column))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def parse(data: str | bytes, *, limits: ParseLimits | None = None) -> ParsedBank:
    """Parse and validate a native bank file; raise ParseError listing every problem found."""
    limits = limits or ParseLimits()
    source = JsonSource(_decode(data))
    document, repeated = _load(source, limits)
    # A repeated key is pointed at where it repeats (the value json.loads kept is the last).
    duplicates = [
        ImportProblem(
            DUPLICATE_KEY.format(key=excerpt(str(path[-1]), 40)),
            line,
            json_path(path),
            column=column,
        )
        for path, (line, column) in (source.duplicates() if repeated else [])
    ]
    found = schema_errors(document)
    if _SUSPECT_ESCAPE.search(source.text):
        found += [(path, BAD_TEXT.format(what=why)) for path, why in bad_strings(document, ())]
    if found or duplicates:
        raise ParseError(_locate(source, found, duplicates))
    if len(document["questions"]) > limits.max_questions:
        count, limit = len(document["questions"]), limits.max_questions
        raise ParseError([ImportProblem(TOO_MANY.format(count=count, limit=limit))])

    found = _consistency(document)
    if found:
        raise ParseError(_locate(source, found))
    return _bank(document, source.element_lines(("questions",)))


def _consistency(document: dict[str, Any]) -> list[tuple[Path, str]]:
    """What the schema cannot say: topic order and references, unique ids, spec coherence."""
    found: list[tuple[Path, str]] = []
    seen_topics: set[str] = set()
    for index, topic in enumerate(document["topics"]):
        if topic["slug"] in seen_topics:
            message = f"the topic slug {excerpt(topic['slug'], 60)!r} is listed twice"
            found.append((("topics", index, "slug"), message))
        parent = topic.get("parent")
        if parent and parent not in seen_topics:
            message = f"parent {excerpt(parent, 60)!r} must be a topic listed before this one"
            found.append((("topics", index, "parent"), message))
        seen_topics.add(topic["slug"])
    seen_ids: set[str] = set()
    for index, raw in enumerate(document["questions"]):
        if raw["id"] in seen_ids:
            found.append((("questions", index, "id"), f"duplicate question id {raw['id']!r}"))
        seen_ids.add(raw["id"])
        for position, slug in enumerate(raw["topics"]):
            if slug not in seen_topics:
                where = ("questions", index, "topics", position)
                found.append((where, f"unknown topic {excerpt(slug, 60)!r}"))
        for field, message in spec_problems(raw["kind"], raw["spec"]):
            found.append((("questions", index, "spec", field), message))
    return found


def _bank(document: dict[str, Any], lines: list[int]) -> ParsedBank:
    questions = [
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
            line=lines[index] if index < len(lines) else None,
        )
        for index, raw in enumerate(document["questions"])
    ]
    bank = document["bank"]
    return ParsedBank(
        slug=bank["slug"],
        title=bank["title"],
        description=bank.get("description", ""),
        version=bank.get("version", ""),
        topics=[ParsedTopic(t["slug"], t["title"], t.get("parent")) for t in document["topics"]],
        questions=questions,
    )
