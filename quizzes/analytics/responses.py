"""What learners answered the first time: how often each option of a choice question was chosen,
and the most common wrong answers of the other kinds."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection

from quizzes.analytics import firsts
from quizzes.models import Bank, Question, QuestionKind

ANSWERS_SHOWN = 10


@dataclass(frozen=True)
class OptionCount:
    """One option of a choice question: how many first answers chose it."""

    id: str
    text: str
    correct: bool
    chosen: int
    answers: int  # first answers to the question (the share's denominator)

    @property
    def share(self) -> float | None:
        """Share of first answers that chose it, % (a multiple-choice answer picks several)."""
        return 100 * self.chosen / self.answers if self.answers else None

    def to_json(self) -> dict[str, Any]:
        share = self.share
        return {
            "id": self.id,
            "text": self.text,
            "correct": self.correct,
            "chosen": self.chosen,
            "share": None if share is None else round(share, 2),
        }


@dataclass(frozen=True)
class AnswerCount:
    """An answer payload (as the learner gave it) and how many times it was given."""

    answer: Any
    count: int
    last_at: datetime | None = None

    @property
    def text(self) -> str:
        return answer_text(self.answer)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"answer": self.answer, "count": self.count}
        if self.last_at is not None:
            data["last_at"] = self.last_at
        return data


@dataclass(frozen=True)
class Answers:
    options: list[OptionCount] = field(default_factory=list)
    wrong: list[AnswerCount] = field(default_factory=list)


def answer_text(answer: Any) -> str:
    """An answer payload as plain text: a typed answer as typed, a cloze's blanks by key."""
    if isinstance(answer, str):
        return answer
    if isinstance(answer, dict):
        return "; ".join(f"{key}: {value}" for key, value in answer.items())
    return json.dumps(answer, ensure_ascii=False)


def _decoded(value: Any) -> Any:
    # A raw cursor returns JSON columns as text (Django loads jsonb as text on PostgreSQL too).
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _choice_options(question: Question) -> list[tuple[str, str, bool]]:
    spec = question.spec or {}
    if question.kind == QuestionKind.TRUE_FALSE:
        right = spec.get("correct")
        return [("true", "True", right is True), ("false", "False", right is False)]
    correct = spec.get("correct")
    keys = set(correct) if isinstance(correct, list) else {correct}
    return [(o["id"], o.get("text", ""), o["id"] in keys) for o in spec.get("options", [])]


def _chosen_ids(kind: str, answer: Any) -> list[str]:
    if kind == QuestionKind.TRUE_FALSE:
        return ["true" if answer is True else "false"] if isinstance(answer, bool) else []
    if kind == QuestionKind.SINGLE_CHOICE:
        return [answer] if isinstance(answer, str) else []
    if isinstance(answer, list):
        return list(dict.fromkeys(a for a in answer if isinstance(a, str)))
    return []


def _options(question: Question, given: list[tuple[Any, int]]) -> list[OptionCount]:
    """Each option with its count: wrong options first, the most chosen of them first, then the
    right ones (a distractor chosen more often than the key is the first thing to see)."""
    counts: dict[str, int] = {}
    total = 0
    for answer, n in given:
        total += n
        for option_id in _chosen_ids(question.kind, answer):
            counts[option_id] = counts.get(option_id, 0) + n
    options = [
        OptionCount(id=oid, text=text, correct=right, chosen=counts.get(oid, 0), answers=total)
        for oid, text, right in _choice_options(question)
    ]
    order = {o.id: i for i, o in enumerate(options)}
    return sorted(options, key=lambda o: (o.correct, -o.chosen, order[o.id]))


def _normal(kind: str, answer: Any) -> Any:
    """Typed answers that differ only in spacing or case are the same mistake."""
    if kind in (QuestionKind.SHORT_ANSWER, QuestionKind.SHELL_COMMAND) and isinstance(answer, str):
        return " ".join(answer.split()).casefold()
    return json.dumps(answer, sort_keys=True, ensure_ascii=False)


def _wrong(question: Question, given: list[tuple[Any, int]]) -> list[AnswerCount]:
    """The most common wrong answers, spellings of one answer merged (shown as its most common
    spelling)."""
    groups: dict[Any, dict[str, tuple[Any, int]]] = {}
    for answer, n in given:
        spellings = groups.setdefault(_normal(question.kind, answer), {})
        text = answer_text(answer)
        spellings[text] = (answer, spellings.get(text, (answer, 0))[1] + n)
    merged = []
    for spellings in groups.values():
        text, (answer, _n) = min(spellings.items(), key=lambda item: (-item[1][1], item[0]))
        merged.append((sum(n for _a, n in spellings.values()), text, answer))
    merged.sort(key=lambda row: (-row[0], row[1]))
    return [AnswerCount(answer=answer, count=n) for n, _text, answer in merged[:ANSWERS_SHOWN]]


def first_answers(*, bank: Bank, questions: Sequence[Question]) -> dict[int, Answers]:
    """Per question id: the options chosen (choice kinds) or the most common wrong first answers
    (other kinds; a cloze's blanks each count as their own answer). One query."""
    with connection.cursor() as cursor:
        cursor.execute(firsts.responses_sql(), [bank.pk, False])
        rows = cursor.fetchall()
    by_question: dict[int, list[tuple[Any, int]]] = {}
    for question_id, _card_id, answer, n in rows:
        by_question.setdefault(question_id, []).append((_decoded(answer), int(n)))
    out: dict[int, Answers] = {}
    for question in questions:
        given = by_question.get(question.pk, [])
        if question.kind in firsts.CHOICE_KINDS:
            out[question.pk] = Answers(options=_options(question, given))
        elif question.kind != QuestionKind.FLASHCARD:
            out[question.pk] = Answers(wrong=_wrong(question, given))
    return out


@dataclass(frozen=True)
class DeletionStats:
    """One card of a question (a cloze deletion): first attempts and their mean score."""

    card_id: int
    deletion: str
    attempts: int
    facility: float | None


def deletion_breakdown(*, question: Question) -> list[DeletionStats]:
    """A cloze question's facility per deletion (one query, plus one for its cards)."""
    with connection.cursor() as cursor:
        cursor.execute(firsts.deletions_sql(), [question.bank_id, question.pk])
        found = {card_id: (int(n), float(mean)) for card_id, n, mean in cursor.fetchall()}
    out = []
    for card in question.cards.order_by("ordinal", "id"):
        n, mean = found.get(card.pk, (0, None))
        out.append(
            DeletionStats(
                card_id=card.pk,
                deletion=card.deletion,
                attempts=n,
                facility=None if mean is None else 100 * mean,
            )
        )
    return out
