"""Export -> import gives back every question a format can express, identical (Hypothesis
draws the banks: tests/exporters/banks.py), and the kernel-modules bank survives the lossless
formats whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.exporters import EXPORT_FORMATS, export
from quizzes.importers import native, parse
from quizzes.importers.base import ParsedBank, ParsedQuestion
from tests.exporters.banks import banks

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "linux-kernel-modules.json"
ROUND_TRIP = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _view(q: ParsedQuestion, fmt: str) -> tuple:
    if fmt == "aiken":
        return (q.kind, q.prompt, q.spec)
    if fmt == "gift":
        return (q.external_id, q.kind, q.prompt, q.explanation, q.spec, q.topics)
    if fmt == "moodle_xml":
        return (q.external_id, q.kind, q.prompt, q.explanation, q.spec, q.tags, q.topics)
    return (
        q.external_id,
        q.kind,
        q.prompt,
        q.explanation,
        q.spec,
        q.difficulty,
        q.source,
        q.tags,
        q.topics,
    )


def _round_trip(bank: ParsedBank, fmt: str) -> ParsedBank:
    result = export(bank, fmt)
    assert not [s for s in result.skipped if s.left_out]
    return parse(result.content, format=fmt, filename=result.filename)


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_every_expressible_question_survives_the_round_trip(fmt):
    @ROUND_TRIP
    @given(banks(fmt))
    def check(bank: ParsedBank) -> None:
        back = _round_trip(bank, fmt)
        # An Anki package stores its notes deck by deck, so they come back grouped by deck.
        order = sorted if fmt == "apkg" else list
        assert order(_view(q, fmt) for q in back.questions) == order(
            _view(q, fmt) for q in bank.questions
        )
        if fmt in ("native", "apkg", "moodle_xml", "gift"):
            original = {t.slug: t for t in bank.topics}
            assert all(original[t.slug] == t for t in back.topics)

    check()


def _without_empty_alternatives(q: ParsedQuestion) -> ParsedQuestion:
    spec = {k: v for k, v in q.spec.items() if not (k == "alternatives" and not v)}
    return ParsedQuestion(**{**q.__dict__, "spec": spec, "line": None})


@pytest.mark.parametrize("fmt", ["native", "csv", "apkg"])
def test_the_kernel_modules_bank_survives_the_lossless_formats(fmt):
    bank = native.parse(FIXTURE.read_bytes())
    back = _round_trip(bank, fmt)
    key = (lambda q: q.external_id) if fmt == "apkg" else (lambda q: 0)
    order = (lambda topics: sorted(topics, key=lambda t: t.slug)) if fmt == "apkg" else list
    assert sorted(map(_without_empty_alternatives, back.questions), key=key) == sorted(
        map(_without_empty_alternatives, bank.questions), key=key
    )
    if fmt != "csv":  # CSV names a topic by its slug
        assert order(back.topics) == order(bank.topics)


@pytest.mark.parametrize("fmt", ["gift", "moodle_xml", "aiken"])
def test_the_kernel_modules_bank_exports_to_the_lossy_formats_and_says_what_it_left(fmt):
    bank = native.parse(FIXTURE.read_bytes())
    result = export(bank, fmt)
    back = parse(result.content, format=fmt, filename=result.filename)
    left_out = {i for s in result.skipped if s.left_out for i in s.external_ids}
    if fmt != "aiken":
        assert {q.external_id for q in back.questions} == {
            q.external_id for q in bank.questions
        } - left_out
    else:
        assert len(back.questions) == len(bank.questions) - len(left_out)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["gift", "aiken", "moodle_xml", "csv", "apkg", "native"]))
def test_an_empty_bank_exports(fmt):
    result = export(ParsedBank(slug="empty", title="Empty"), fmt)
    assert result.filename.startswith("empty.") and isinstance(result.content, bytes)
