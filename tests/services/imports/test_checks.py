"""The last check before writing: whatever a parser let through, nothing reaches the database
that it cannot store, and each problem keeps the question's line."""

from __future__ import annotations

import pytest

from quizzes.importers.base import ParsedBank, ParsedQuestion, ParsedTopic
from quizzes.services.imports import parsed_bank_problems


def bank(*questions: ParsedQuestion, **extra) -> ParsedBank:
    return ParsedBank(
        slug="b", title="B", topics=[ParsedTopic("t", "T")], questions=list(questions), **extra
    )


def q(external_id="q1", kind="flashcard", line=7, **kw) -> ParsedQuestion:
    kw.setdefault("spec", {"back": "answer"})
    return ParsedQuestion(external_id, kind, "prompt", "", topics=("t",), line=line, **kw)


def test_a_clean_bank_has_no_problem():
    assert parsed_bank_problems(bank(q(), q("q2")), check_specs=True) == []


@pytest.mark.parametrize(
    ("question", "path", "words"),
    [
        (q(external_id="x" * 101), "questions[0].id", "is 101 characters long; at most 100"),
        (q(source="s" * 5000), "questions[0].source", "is 5,000 characters long; at most 300"),
        (q(kind="essay"), "questions[0].kind", "not a question kind"),
        (q(difficulty=0), "questions[0].difficulty", "1, 2 or 3"),
        (q(difficulty=True), "questions[0].difficulty", "1, 2 or 3"),
        (q(spec={"back": "a\x00b"}), "questions[0].spec.back", "NUL character"),
        (q(spec={"back": "a\udc80b"}), "questions[0].spec.back", "lone UTF-16 surrogate"),
        (q(spec={"front": "x"}), "questions[0].spec", "unexpected field front"),
        (q(spec=["not", "an", "object"]), "questions[0].spec", "must be an object"),
        (q(external_id=""), "questions[0].id", "has no id"),
    ],
)
def test_each_problem_names_the_field_and_keeps_the_line(question, path, words):
    problems = parsed_bank_problems(bank(question), check_specs=True)
    assert any(p.path == path and words in p.message and p.line == 7 for p in problems), problems
    assert all(len(str(p)) < 300 for p in problems)


def test_duplicate_ids_point_at_the_first_one():
    [problem] = parsed_bank_problems(bank(q(line=3), q(line=9)))
    assert problem.line == 9 and "line 3" in problem.message


def test_bank_and_topic_fields_are_checked_too():
    parsed = bank(q(), version="v" * 51)
    parsed.topics.append(ParsedTopic("u" * 201, "U\x00"))
    paths = {p.path for p in parsed_bank_problems(parsed)}
    assert paths == {"bank.version", "topics[1].slug", "topics[1].title"}
