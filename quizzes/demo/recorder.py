"""What review_submit writes for one answer, computed in memory for bulk writes.

The demo cohort answers tens of thousands of cards; through the services each answer costs a
dozen queries. `record_review` produces the same rows — the state after the review, the log row
and the first attempt, linked — from the same pure functions the services use (grading,
scheduling, the state snapshots, the leech rule), so the demo's data is what the services would
have written. tests/demo/test_recorder.py replays answers through both and compares the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from quizzes import grading, scheduling
from quizzes.models import Attempt, Card, CardState, CardStatus, QuestionKind, Rating, ReviewLog
from quizzes.selectors import schedule_of
from quizzes.services.attempts import override_allowed
from quizzes.services.reviews import request_hash, state_schedule_apply
from quizzes.services.states import state_snapshot


@dataclass
class Recorded:
    """One answer's rows, unsaved: the log and the attempt are linked when they are saved."""

    log: ReviewLog
    attempt: Attempt


@dataclass
class Verdicts:
    """A cache of grading.grade: the demo gives the same few answers to each card many times."""

    cache: dict[tuple[int, str], grading.Verdict] = field(default_factory=dict)
    # Each card's state as last recorded: the next review's state_before, without recomputing.
    snapshots: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)

    def grade(self, card: Card, answer: Any) -> grading.Verdict:
        key = (card.pk, repr(answer))
        if key not in self.cache:
            question = card.question
            self.cache[key] = grading.grade(
                question.kind, question.spec, answer, deletion=card.deletion or None
            )
        return self.cache[key]


def _rating(kind: str, verdict: grading.Verdict, wanted: int | None, overridden: bool) -> int:
    """As review_submit resolves it: a flashcard's own rating; Again for a wrong answer (a
    passing one once overridden); Good for a right one unless Hard or Easy was chosen."""
    if kind == QuestionKind.FLASHCARD or verdict.correct is None:
        assert wanted is not None, "a flashcard needs a rating"
        return wanted
    if not verdict.correct and not overridden:
        return Rating.AGAIN
    return wanted if wanted in (Rating.HARD, Rating.EASY) else Rating.GOOD


def record_review(
    *,
    state: CardState,
    card: Card,
    answer: Any,
    wanted: int | None,
    override: bool,
    checked_at: datetime,
    reviewed_at: datetime,
    elapsed_ms: int,
    config: scheduling.Config,
    verdicts: Verdicts,
) -> Recorded:
    """Answer `card` (checked at `checked_at`, rated at `reviewed_at`) from `state`, which is
    updated in place as review_submit updates the row; returns the log and attempt to save.

    `wanted` is the rating the learner picks (None: the default for a right answer), `override`
    whether they say "I was right" after a wrong verdict (allowed only where the service allows
    it). The state must be a fresh one (reps 0) or one this recorder produced.
    """
    question = card.question
    verdict = verdicts.grade(card, answer)
    overridden = override and override_allowed(
        kind=question.kind, correct=verdict.correct, overridden=False
    )
    rating = _rating(question.kind, verdict, wanted, overridden)
    key = (state.learner_id, card.pk)
    before = verdicts.snapshots.get(key) or state_snapshot(state)
    schedule = scheduling.review(
        schedule_of(state),
        rating,
        now=reviewed_at,
        config=config,
        card_id=card.pk,
        learner_id=state.learner_id,
    )
    state_schedule_apply(
        state, schedule, lapsed=before["status"] == CardStatus.REVIEW and rating == Rating.AGAIN
    )
    after = verdicts.snapshots[key] = state_snapshot(state)
    log = ReviewLog(
        learner_id=state.learner_id,
        card_id=card.pk,
        bank_id=card.bank_id,
        rating=rating,
        correct=verdict.correct,
        score=verdict.score,
        answer=answer,
        elapsed_ms=elapsed_ms,
        reviewed_at=reviewed_at,
        status_before=before["status"],
        state_before=before,
        state_after=after,
        due_after=schedule.due,
        interval_seconds=int((schedule.due - reviewed_at).total_seconds()),
        request_hash=request_hash(
            card_id=card.pk, answer=answer, rating=wanted, override=overridden
        ),
        overridden=overridden,
    )
    attempt = Attempt(
        learner_id=state.learner_id,
        card_id=card.pk,
        bank_id=card.bank_id,
        question_id=card.question_id,
        reps=before["reps"],
        correct=verdict.correct,
        score=verdict.score,
        answer=answer,
        feedback=verdict.feedback,
        elapsed_ms=elapsed_ms,
        attempted_at=checked_at,
        opened_at=checked_at,
        overridden=overridden,
        closed_at=reviewed_at,
    )
    return Recorded(log=log, attempt=attempt)
