"""The native JSON parser: valid files parse; every problem names its line or field and why."""

from __future__ import annotations

import contextlib
import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.importers import ImportProblem, ParseError, native
from tests.factories import spec_for

KINDS = [
    "flashcard",
    "single_choice",
    "multiple_choice",
    "true_false",
    "short_answer",
    "shell_command",
    "cloze",
    "ordering",
    "matching",
]


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


@pytest.mark.parametrize("kind", KINDS)
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


def test_schema_errors_name_the_field_its_line_and_column() -> None:
    doc = bank_doc([question("q1", "single_choice"), question("q2", "true_false", difficulty=7)])
    text = json.dumps(doc, indent=2)
    [problem] = problems_of(text)
    lines = text.splitlines()
    line = next(n for n, x in enumerate(lines, 1) if '"difficulty": 7' in x)
    column = lines[line - 1].index("7") + 1
    assert problem.startswith(f"line {line}, column {column}, ")
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


def test_since_is_optional_kept_and_part_of_the_digest_only_when_stated() -> None:
    plain = native.parse(json.dumps(bank_doc())).questions[0]
    dated_doc = bank_doc([question("q1", "single_choice", since="Linux 5.13")])
    dated = native.parse(json.dumps(dated_doc)).questions[0]
    assert plain.since == "" and dated.since == "Linux 5.13"
    assert dated.content_hash() != plain.content_hash()
    # A question that states no version keeps the digest it had before the field existed.
    assert replace(dated, since="").content_hash() == plain.content_hash()


@pytest.mark.parametrize("since", ["", "x" * 51, 5.13])
def test_a_blank_overlong_or_numeric_since_is_refused(since: Any) -> None:
    problems = problems_of(json.dumps(bank_doc([question("q1", "true_false", since=since)])))
    assert any("questions[0].since" in p for p in problems), problems


def test_a_command_question_may_say_its_options_are_the_point() -> None:
    spec = {"accepted": ["modprobe -rv vfat"], "strict_options": True}
    parsed = native.parse(json.dumps(bank_doc([question("q1", "shell_command", spec=spec)])))
    assert parsed.questions[0].spec["strict_options"] is True
    bad = {"accepted": ["modprobe -rv vfat"], "strict_options": "yes"}
    problems = problems_of(json.dumps(bank_doc([question("q1", "shell_command", spec=bad)])))
    assert any("strict_options" in p for p in problems), problems


# --- hostile files: refused with a problem at the offending value, never a crash ----------------


def only_problem(text: str | bytes) -> ImportProblem:
    with pytest.raises(ParseError) as info:
        native.parse(text)
    [problem] = info.value.problems
    return problem


def position_of(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    offset = -1
    for _ in range(occurrence):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_nesting_100000_deep_is_refused_before_the_parser_recurses(opening: str) -> None:
    problem = only_problem(opening * 100_000)
    assert "nests deeper than 64 levels" in problem.message
    assert (problem.line, problem.column) == (1, 64 * len(opening) + 1)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    doc = bank_doc([question("q1", "flashcard", prompt="[" * 100_000)])
    assert native.parse(json.dumps(doc)).questions[0].prompt == "[" * 100_000


def test_duplicate_keys_are_refused_at_the_line_of_the_repeat() -> None:
    text = json.dumps(bank_doc([question("d1", "flashcard")]), indent=2)
    text = text.replace('"id": "d1",', '"id": "d2",\n      "id": "d3",')
    text = text.replace('"kind": "flashcard",', '"kind": "flashcard",\n      "kind": "true_false",')
    with pytest.raises(ParseError) as info:
        native.parse(text)
    found = {(p.path, p.line, p.column) for p in info.value.problems}
    assert ("questions[0].id", *position_of(text, '"id"', 2)) in found
    assert ("questions[0].kind", *position_of(text, '"kind"', 2)) in found
    twice = [p.path for p in info.value.problems if "appears twice" in p.message]
    assert twice == ["questions[0].id", "questions[0].kind"]


@pytest.mark.parametrize(
    ("escape", "why"), [("\\u0000", "NUL character"), ("\\ud800", "lone UTF-16 surrogate")]
)
def test_text_postgresql_cannot_store_is_refused_at_its_field(escape: str, why: str) -> None:
    text = json.dumps(bank_doc([question("q1", "flashcard")]), indent=2)
    text = text.replace('"Because."', f'"Be{escape}cause."')
    problem = only_problem(text)
    assert why in problem.message and problem.path == "questions[0].explanation"
    assert (problem.line, problem.column) == position_of(text, f'"Be{escape}')


def test_a_surrogate_pair_is_one_character_and_accepted() -> None:
    text = json.dumps(bank_doc([question("q1", "flashcard", prompt="\U0001f600")]))
    assert native.parse(text).questions[0].prompt == "\U0001f600"


def test_a_field_longer_than_its_column_is_refused_without_repeating_it() -> None:
    text = json.dumps(bank_doc([question("q1", "flashcard", source="s" * 5000)]), indent=2)
    problem = only_problem(text)
    assert problem.path == "questions[0].source"
    assert "is 5,000 characters long; at most 300" in problem.message
    assert "s" * 100 not in str(problem)


@pytest.mark.parametrize(
    "field", [{"difficulty": "x" * 3_000_000}, {"id": "x" * 3_000_000}, {"x" * 3_000_000: 1}]
)
def test_a_huge_value_is_never_repeated_in_full(field: dict[str, Any]) -> None:
    problems = problems_of(json.dumps(bank_doc([question("q1", "flashcard", **field)])))
    assert problems and all(len(p) < 400 for p in problems)


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "9" * 5000])
def test_numbers_json_cannot_hold_are_refused_at_their_field(number: str) -> None:
    text = json.dumps(bank_doc([question("q1", "flashcard", difficulty=2)]))
    problem = only_problem(text.replace('"difficulty": 2', f'"difficulty": {number}'))
    assert (
        problem.path == "questions[0].difficulty" and "is not one of [1, 2, 3]" in problem.message
    )
    assert len(str(problem)) < 200


def test_bytes_that_are_not_utf8_are_refused_with_their_position() -> None:
    problem = only_problem(b'{\n  "format": "k\xffq"}')
    assert (problem.line, problem.column) == (2, 15) and "0xFF" in problem.message


def test_every_problem_of_a_file_is_reported_at_once_at_its_own_field() -> None:
    bad_correct = question("q2", "single_choice")
    bad_correct["spec"]["correct"] = "z"
    doc = bank_doc(
        [
            question("q1", "true_false", difficulty=9),
            bad_correct,
            question("q3", "flashcard", topics=["nowhere"]),
        ]
    )
    text = json.dumps(doc, indent=2)
    with pytest.raises(ParseError) as info:
        native.parse(text)
    assert [p.path for p in info.value.problems] == ["questions[0].difficulty"]  # schema first
    doc["questions"][0]["difficulty"] = 1
    text = json.dumps(doc, indent=2)
    with pytest.raises(ParseError) as info:
        native.parse(text)
    found = {p.path: (p.line, p.column) for p in info.value.problems}
    assert found == {
        "questions[1].spec.correct": position_of(text, '"z"'),
        "questions[2].topics[0]": position_of(text, '"nowhere"'),
    }


@pytest.mark.parametrize("document", ["[]", '"bank"', "null", "3"])
def test_a_document_that_is_not_an_object_is_refused(document: str) -> None:
    assert "must be an object" in only_problem(document).message


def test_ten_thousand_questions_each_know_their_line() -> None:
    doc = bank_doc([question(f"q{i}", "true_false") for i in range(10_000)])
    text = json.dumps(doc, indent=1)
    parsed = native.parse(text)
    lines = text.splitlines()
    for q in parsed.questions[::997]:
        assert lines[q.line - 1].strip() == "{" and f'"id": "{q.external_id}"' in lines[q.line]


@given(st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b"{" + b))
@settings(max_examples=500, deadline=None)
def test_fuzzed_text_raises_only_parse_error(data: str | bytes) -> None:
    with contextlib.suppress(ParseError):
        native.parse(data)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(st.data())
@settings(max_examples=500, deadline=None)
def test_fuzzed_documents_raise_only_parse_error(data: st.DataObject) -> None:
    doc = bank_doc([question("q1", data.draw(st.sampled_from(KINDS)))])
    target = data.draw(st.sampled_from(["bank", "topics", "questions", "q", "spec", "extra"]))
    value = data.draw(_json)
    if target in ("q", "spec"):
        holder = doc["questions"][0] if target == "q" else doc["questions"][0]["spec"]
        holder[data.draw(st.sampled_from([*holder, "x"]))] = value
    elif target == "extra":
        doc[data.draw(st.text(max_size=5))] = value
    else:
        doc[target] = value
    try:
        parsed = native.parse(json.dumps(doc, allow_nan=True))
    except ParseError as exc:
        assert exc.problems and all(isinstance(p, ImportProblem) for p in exc.problems)
    else:
        assert [q.external_id for q in parsed.questions] in ([], ["q1"])
