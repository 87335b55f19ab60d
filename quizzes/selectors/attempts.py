"""What learners' answers say about a question: graded attempts, and "I was right" overrides —
the first place to look for a grader that misses right answers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from quizzes.models import Attempt

OVERRIDDEN_ANSWERS_SHOWN = 20


@dataclass(frozen=True)
class OverriddenAnswer:
    answer: Any
    count: int
    last_at: datetime


@dataclass(frozen=True)
class QuestionAttempts:
    """A question's attempts (every learner's first answer at a card in each state).

    Accuracy counts overridden answers apart: they are neither right (the grader said wrong)
    nor wrong (the learner said right).
    """

    attempts: int = 0
    graded: int = 0  # not self-graded (flashcards are not)
    correct: int = 0
    overridden: int = 0
    answers: list[OverriddenAnswer] = field(default_factory=list)  # most frequent first

    @property
    def accuracy(self) -> float | None:
        judged = self.graded - self.overridden
        return self.correct / judged if judged else None

    def to_json(self) -> dict[str, Any]:
        return {
            "attempts": self.attempts,
            "graded": self.graded,
            "correct": self.correct,
            "accuracy": self.accuracy,
            "overrides": {
                "count": self.overridden,
                "answers": [
                    {"answer": a.answer, "count": a.count, "last_at": a.last_at}
                    for a in self.answers
                ],
            },
        }


def question_attempts(*, question_ids: Iterable[int]) -> dict[int, QuestionAttempts]:
    """Per question: attempts, right ones, overrides and the overridden answers (two queries)."""
    ids = list(question_ids)
    if not ids:
        return {}
    rows = (
        Attempt.objects.filter(question_id__in=ids)
        .order_by()
        .values("question_id")
        .annotate(
            attempts=Count("id"),
            graded=Count("id", filter=Q(correct__isnull=False)),
            correct=Count("id", filter=Q(correct=True)),
            overridden=Count("id", filter=Q(overridden=True)),
        )
    )
    answers: dict[int, list[OverriddenAnswer]] = {}
    overridden = (
        # A deleted account's answers are gone (NULL): its overrides still count, unshown.
        Attempt.objects.filter(question_id__in=ids, overridden=True, answer__isnull=False)
        .order_by()
        .values("question_id", "answer")
        .annotate(n=Count("id"), last=Max("attempted_at"))
        .order_by("question_id", "-n", "-last")
    )
    for row in overridden:
        shown = answers.setdefault(row["question_id"], [])
        if len(shown) < OVERRIDDEN_ANSWERS_SHOWN:
            shown.append(OverriddenAnswer(row["answer"], row["n"], row["last"]))
    return {
        row["question_id"]: QuestionAttempts(
            attempts=row["attempts"],
            graded=row["graded"],
            correct=row["correct"],
            overridden=row["overridden"],
            answers=answers.get(row["question_id"], []),
        )
        for row in rows
    }


def overrides_of_question() -> Coalesce:
    """An annotation for a Question queryset: how many of its answers were overridden."""
    overridden = (
        Attempt.objects.filter(question=OuterRef("pk"), overridden=True)
        .order_by()
        .values("question")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(overridden, output_field=IntegerField()), 0)
