"""The native JSON parser: valid files parse; every problem names its line or field and why."""

from __future__ import annotations

import json
from typing import Any

import pytest

from quizzes.importers import ParseError, native
from tests.factories import spec_for


def bank_doc(questions: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    doc = {
        "format": "kmodquiz-bank",
        "format_version": 1,
        "bank": {"slug": "demo", "title": "Demo"},
        "topics": [
            {"slug": "commands", "title": "Commands"},
            {"slug": "commands/modprobe", "title": "modprobe", "parent": "commands"},
        ],
        "questions": questions if questions is not None else [question("q1", "single_choice")],
    }
    doc.update(extra)
    return doc


def question(qid: str, kind: str, **extra: Any) -> dict[str, Any]:
    q = {
        "id": qid,
        "kind": kind,
        "topics": ["commands/modprobe"],
        "prompt": "Which?",
        "explanation": "Because.",
        "difficulty": 2,
        "source": "modprobe(8)",
        "spec": spec_for(kind, 1),
    }
    q.update(extra)
    return q


def problems_of(text: str) -> list[str]:
    with pytest.raises(ParseError) as info:
        native.parse(text)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    "kind",
    [
        "flashcard",
        "single_choice",
        "multiple_choice",
        "true_false",
        "short_answer",
        "shell_command",
        "cloze",
        "ordering",
        "matching",
    ],
)
def test_every_kind_parses(kind: str) -> None:
    parsed = native.parse(json.dumps(bank_doc([question("q1", kind)])))
    assert parsed.slug == "demo"
    assert parsed.questions[0].kind == kind
    assert parsed.questions[0].topics == ("commands/modprobe",)
    assert [t.parent for t in parsed.topics] == [None, "commands"]


def test_invalid_json_reports_its_line() -> None:
    text = '{\n  "format": "kmodquiz-bank",\n  "bank": {,\n}'
    [problem] = problems_of(text)
    assert problem.startswith("line 3") and "invalid JSON" in problem


def test_bytes_that_are_not_utf8_are_refused() -> None:
    with pytest.raises(ParseError, match="not UTF-8"):
        native.parse(b'{"format": "\xff"}')


def test_schema_errors_name_the_field_and_the_questions_line() -> None:
    doc = bank_doc([question("q1", "single_choice"), question("q2", "true_false", difficulty=7)])
    text = json.dumps(doc, indent=2)
    [problem] = problems_of(text)
    line = text.splitlines().index(next(x for x in text.splitlines() if '"id": "q2"' in x)) + 1
    assert f"line {line}" in problem
    assert "questions[1].difficulty" in problem
    assert "7 is not one of [1, 2, 3]" in problem


def test_a_correct_answer_that_is_not_an_option_is_refused() -> None:
    bad = question("q1", "single_choice")
    bad["spec"]["correct"] = "z"
    [problem] = problems_of(json.dumps(bank_doc([bad])))
    assert "questions[0].spec.correct" in problem and "z is not an option id" in problem


def test_unknown_topics_duplicate_ids_and_bad_parents_are_all_reported() -> None:
    doc = bank_doc([question("q1", "true_false"), question("q1", "true_false", topics=["nope"])])
    doc["topics"].append({"slug": "orphan", "title": "Orphan", "parent": "missing"})
    problems = problems_of(json.dumps(doc))
    assert any("duplicate question id 'q1'" in p for p in problems)
    assert any("unknown topic 'nope'" in p for p in problems)
    assert any("topics[2].parent" in p and "listed before" in p for p in problems)


@pytest.mark.parametrize(
    ("kind", "spec", "message"),
    [
        (
            "ordering",
            {
                "items": [
                    {"id": "a", "text": "x"},
                    {"id": "b", "text": "y"},
                    {"id": "c", "text": "z"},
                ],
                "correct_order": ["a", "b", "d"],
            },
            "every item id",
        ),
        (
            "matching",
            {
                "left": [
                    {"id": "l1", "text": "x"},
                    {"id": "l2", "text": "y"},
                    {"id": "l3", "text": "z"},
                ],
                "right": [
                    {"id": "r1", "text": "x"},
                    {"id": "r2", "text": "y"},
                    {"id": "r3", "text": "z"},
                ],
                "pairs": {"l1": "r1", "l2": "r2", "l3": "r9"},
            },
            "r9 is not a right id",
        ),
        ("cloze", {"text": "no deletion {{c1:: here", "alternatives": {}}, "at least one"),
        (
            "shell_command",
            {"accepted": ["modprobe -r foo", "modprobe 'foo"]},
            "accepted[1]: cannot be read as a command line: unbalanced quote",
        ),
        (
            "shell_command",
            {"accepted": ["modprobe --bogus -rx foo"]},
            "accepted[0]: uses options its tool does not have: --bogus, -x",
        ),
        (
            "multiple_choice",
            {
                "options": [
                    {"id": "a", "text": "x"},
                    {"id": "a", "text": "y"},
                    {"id": "c", "text": "z"},
                ],
                "correct": ["a"],
            },
            "duplicate ids a",
        ),
    ],
)
def test_inconsistent_specs_are_refused(kind: str, spec: dict[str, Any], message: str) -> None:
    problems = problems_of(json.dumps(bank_doc([question("q1", kind, spec=spec)])))
    assert any(message in p for p in problems), problems


def test_content_hash_changes_with_content_only() -> None:
    a = native.parse(json.dumps(bank_doc())).questions[0]
    b = native.parse(json.dumps(bank_doc(), indent=4)).questions[0]
    changed = bank_doc()
    changed["questions"][0]["explanation"] = "A better explanation."
    c = native.parse(json.dumps(changed)).questions[0]
    assert a.content_hash() == b.content_hash() != c.content_hash()


def test_a_command_question_may_say_its_options_are_the_point() -> None:
    spec = {"accepted": ["modprobe -rv vfat"], "strict_options": True}
    parsed = native.parse(json.dumps(bank_doc([question("q1", "shell_command", spec=spec)])))
    assert parsed.questions[0].spec["strict_options"] is True
    bad = {"accepted": ["modprobe -rv vfat"], "strict_options": "yes"}
    problems = problems_of(json.dumps(bank_doc([question("q1", "shell_command", spec=bad)])))
    assert any("strict_options" in p for p in problems), problems
