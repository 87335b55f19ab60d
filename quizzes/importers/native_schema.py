"""The native format's JSON Schema: validators (jsonschema-rs for speed, the Python jsonschema
for errors in words) and the description of a schema error that never repeats a huge value.

Shared by the native parser, the other formats' parsers (each question they build is checked
against the native rules), the import service's last check and the question editor.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path as FilePath
from typing import Any

import jsonschema
import jsonschema_rs

from quizzes.importers.base import excerpt
from quizzes.importers.jsonsource import Path

SCHEMA_PATH = FilePath(__file__).resolve().parent.parent / "schemas" / "bank.schema.json"

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


def schema_errors(document: Any) -> list[tuple[Path, str]]:
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
    except ValueError:  # an OddNumber number: not a JSON value to the Rust validator
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


class OddNumber:
    """A number Python cannot hold as JSON (NaN, ±Infinity, 1e999, a 5,000-digit integer).

    Kept as a value of no JSON type, so the schema reports it at its path like any wrong value.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return excerpt(self.text, 30)

    __str__ = __repr__


def parse_json_int(text: str) -> int | OddNumber:
    return int(text) if len(text) <= 4000 else OddNumber(text)


def parse_json_float(text: str) -> float | OddNumber:
    value = float(text)
    return value if value not in (float("inf"), float("-inf")) else OddNumber(text)


def json_type(value: Any) -> str:
    if isinstance(value, OddNumber):
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
    if isinstance(value, OddNumber):
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
