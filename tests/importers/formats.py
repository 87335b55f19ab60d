"""Shared helpers of the format tests: fixture files, Moodle's own samples, parsing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quizzes.importers import ParseError, ParseLimits, parse
from quizzes.importers.base import ParsedBank

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Moodle's sample files live in the shared folder beside the repository (never copied into it).
SHARED = Path(os.environ.get("KMODQUIZ_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared"))
MOODLE = SHARED / "formats" / "moodle"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def moodle_sample(name: str) -> bytes:
    path = MOODLE / name
    if not path.exists():
        pytest.skip(
            f"Moodle's sample {name} is not here ({MOODLE} is absent; set KMODQUIZ_SHARED_DIR)"
        )
    return path.read_bytes()


def parsed(data: bytes | str, fmt: str, **kwargs: object) -> ParsedBank:
    raw = data.encode() if isinstance(data, str) else data
    return parse(raw, format=fmt, filename=f"test.{fmt}", **kwargs)  # type: ignore[arg-type]


def problems(data: bytes | str, fmt: str, **kwargs: object) -> list:
    with pytest.raises(ParseError) as info:
        parsed(data, fmt, **kwargs)
    return info.value.problems


def by_id(bank: ParsedBank) -> dict:
    return {q.external_id: q for q in bank.questions}


__all__ = [
    "FIXTURES",
    "MOODLE",
    "ParseLimits",
    "by_id",
    "fixture",
    "moodle_sample",
    "parsed",
    "problems",
]
