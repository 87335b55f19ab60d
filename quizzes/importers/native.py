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
from functools import lru_cache
from pathlib import Path as FilePath
from typing import Any

import jsonschema
import jsonschema_rs

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

SCHEMA_PATH = FilePath(__file__).resolve().parent.parent / "schemas" / "bank.schema.json"

NOT_UTF8 = "the file is not UTF-8 (byte 0x{byte:02X} cannot start a character)"
INVALID_JSON = "invalid JSON: {reason}"
TOO_DEEP = "the JSON nests deeper than {limit} levels"
DUPLICATE_KEY = "the key {key} appears twice in this object (JSON keeps only one)"
BAD_TEXT = "contains a {what}, which cannot be stored"
TOO_MANY = "the file has {count:,} questions (at most {limit:,} in one import)"

# Escapes that decode to a NUL or a (possibly lone) surrogate: only then is every string looked at.
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
_BAD_CHAR = re.compile("[\x00\ud800-\udfff]")
# Patterns of the schema, in words.
_PATTERN_WORDS = {
    r"^[A-Za-z0-9._:-]{1,100}$": "an id is 1 to 100 letters, digits, '.', '_', ':' or '-'",
    r"^[A-Za-z0-9_-]{1,20}$": "an option id is 1 to 20 letters, digits, '_' or '-'",
    r"^[a-z0-9][a-z0-9_-]{0,49}$": "a tag is lower-case letters, digits, '_' and '-' (50 at most)",
    r"^[a-z0-9][a-z0-9-]{0,79}$": "a bank slug is lower-case letters, digits and '-' (80 at most)",
    r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$": (
        "a topic slug is lower-case letters, digits and '-', with '/' between levels"
    ),
    r"\{\{c[0-9]+::": "a cloze text needs at least one {{c1::...}} deletion",
    r"^c[0-9]+$": "a deletion key is c1, c2, ...",
}
_TYPE_WORDS = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema())


@lru_cache(maxsize=1)
def _question_validator() -> jsonschema.Draft202012Validator:
    root = schema()
    return jsonschema.Draft202012Validator({"$defs": root["$defs"], "$ref": "#/$defs/question"})


@lru_cache(maxsize=1)
def _fast_validator() -> Any:
    return jsonschema_rs.validator_for(schema())


@lru_cache(maxsize=1)
def _fast_question_validator() -> Any:
    return jsonschema_rs.validator_for({"$defs": schema()["$defs"], "$ref": "#/$defs/question"})


def _spec_schema() -> dict[str, Any]:
    # The per-kind rules for `spec`, applied to {"kind": ..., "spec": ...}.
    root = schema()
    return {"$defs": root["$defs"], "type": "object", "allOf": root["$defs"]["question"]["allOf"]}


@lru_cache(maxsize=1)
def _spec_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(_spec_schema())


@lru_cache(maxsize=1)
def _fast_spec_validator() -> Any:
    return jsonschema_rs.validator_for(_spec_schema())


def spec_schema_errors(kind: str, spec: Any) -> list[tuple[Path, str]]:
    """(path inside the spec, message in words) of every error of a spec for its kind."""
    document = {"kind": kind, "spec": spec}
    try:
        if _fast_spec_validator().is_valid(document):
            return []
    except ValueError:
        pass
    return [
        (tuple(error.absolute_path)[1:], describe_schema_error(error))
        for error in _spec_validator().iter_errors(document)
    ]


def question_schema_errors(document: Any) -> list[tuple[Path, str]]:
    """(path, message in words) of every error of one question against the native schema.

    For the other formats' parsers, which check each question they build: the Rust validator
    passes a valid one in microseconds; only an invalid one is described by the Python one.
    """
    try:
        if _fast_question_validator().is_valid(document):
            return []
    except ValueError:  # a value no JSON type holds: the Python validator says where
        pass
    return [
        (tuple(error.absolute_path), describe_schema_error(error))
        for error in _question_validator().iter_errors(document)
    ]


def _schema_errors(document: Any) -> list[tuple[Path, str]]:
    """(path, message) of every schema error.

    jsonschema-rs (Rust) tells in milliseconds whether a 10,000-question file is valid and
    which questions are not; the Python validator then describes only those (its errors carry
    what a message in words needs). A value no JSON type holds sends everything to the latter.
    """
    fast = _fast_validator()
    try:
        if fast.is_valid(document):
            return []
        paths = [tuple(error.instance_path) for error in fast.iter_errors(document)]
    except ValueError:  # an _Odd number: not a JSON value to the Rust validator
        return [
            (tuple(e.absolute_path), describe_schema_error(e))
            for e in _validator().iter_errors(document)
        ]

    def in_question(path: Path) -> bool:
        return len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int)

    found: list[tuple[Path, str]] = []
    if any(not in_question(path) for path in paths):
        shallow = document
        if isinstance(document, dict) and isinstance(document.get("questions"), list):
            shallow = {**document, "questions": []}
        found += [
            (tuple(e.absolute_path), describe_schema_error(e))
            for e in _validator().iter_errors(shallow)
        ]
    for index in sorted({path[1] for path in paths if in_question(path)}):
        for error in _question_validator().iter_errors(document["questions"][index]):
            found.append((("questions", index, *error.absolute_path), describe_schema_error(error)))
    return found


class _Odd:
    """A number Python cannot hold as JSON (NaN, ±Infinity, 1e999, a 5,000-digit integer).

    Kept as a value of no JSON type, so the schema reports it at its path like any wrong value.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return excerpt(self.text, 30)

    __str__ = __repr__


def _parse_int(text: str) -> int | _Odd:
    return int(text) if len(text) <= 4000 else _Odd(text)


def _parse_float(text: str) -> float | _Odd:
    value = float(text)
    return value if value not in (float("inf"), float("-inf")) else _Odd(text)


def json_type(value: Any) -> str:
    if isinstance(value, _Odd):
        return "a number too large for JSON"
    for name, kind in (
        ("true or false", bool),
        ("a string", str),
        ("a whole number", int),
        ("a number", float),
        ("an object", dict),
        ("a list", list),
    ):
        if isinstance(value, kind):
            return name
    return "null" if value is None else type(value).__name__


def _short(value: Any) -> str:
    if isinstance(value, _Odd):
        return str(value)
    return excerpt(json.dumps(value, ensure_ascii=False, default=str), 60)


def describe_schema_error(error: jsonschema.ValidationError) -> str:
    """A schema error in words, quoting at most a short excerpt of the offending value."""
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "maxLength" and isinstance(value, str):
        return f"is {len(value):,} characters long; at most {expected:,} are allowed"
    if kind == "minLength":
        return "must not be empty" if expected == 1 else f"needs at least {expected} characters"
    if kind == "pattern":
        words = _PATTERN_WORDS.get(str(expected), f"must match {expected}")
        return f"{_short(value)} is not allowed here: {words}"
    if kind == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in wanted)
        return f"must be {words}, not {json_type(value)}"
    if kind == "enum":
        return f"{_short(value)} is not one of {json.dumps(expected)}"
    if kind == "const":
        return f"must be {json.dumps(expected)}, not {_short(value)}"
    if kind == "required":
        missing = [name for name in expected if isinstance(value, dict) and name not in value]
        return f"{', '.join(missing) or 'a field'} is missing"
    if kind == "additionalProperties" and isinstance(value, dict):
        known = set(error.schema.get("properties", {}))
        extra = [k for k in value if k not in known]
        return "unexpected field " + ", ".join(excerpt(k, 40) for k in extra[:5])
    if kind == "minItems":
        return f"needs at least {expected} item{'s' if expected != 1 else ''}"
    if kind == "minProperties":
        return f"needs at least {expected} entries"
    if kind == "uniqueItems":
        return "lists the same value twice"
    if kind == "propertyNames":
        return "has a key that is not allowed: " + excerpt(error.message, 120)
    return excerpt(error.message, 200)


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
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_Odd,
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
    found = _schema_errors(document)
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
