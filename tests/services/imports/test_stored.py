"""A parsed file is kept as JSON beside its upload and read back exactly."""

from __future__ import annotations

from quizzes.importers.base import (
    ImportProblem,
    ParsedBank,
    ParsedQuestion,
    ParsedTopic,
    Unsupported,
)
from quizzes.services.imports.stored import parsed_dumps, parsed_loads
from tests.factories import KINDS, spec_for


def test_a_parsed_bank_survives_being_stored():
    parsed = ParsedBank(
        slug="b",
        title="B \U0001f600",
        description="d",
        version="2",
        topics=[ParsedTopic("t", "T"), ParsedTopic("t/u", "U", "t")],
        questions=[
            ParsedQuestion(
                f"q{i}",
                kind,
                "p\ud800",
                "e",
                spec_for(kind, i),
                3,
                "s",
                since="Linux 6.1" if i % 2 else "",
                tags=("x",),
                topics=("t/u",),
                line=i + 1,
            )
            for i, kind in enumerate(KINDS)
        ],
        notices=[ImportProblem("an image was left out", line=3, text="img.png")],
        unsupported=[Unsupported("numerical", "Q7", 9, "no such kind")],
    )
    assert parsed_loads(parsed_dumps(parsed)) == parsed
