"""The outcome of grading, shared by every kind's grader."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CORRECT = "Correct."


class InvalidAnswer(ValueError):
    """The answer payload has the wrong shape for the question kind."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of grading one answer."""

    correct: bool | None  # None for flashcards, which the learner grades
    score: float
    feedback: str
    expected: Any
