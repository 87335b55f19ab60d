"""The first verdict sticks: a learner's first graded answer to a card, checking and overriding.

`answer_check` records the learner's first attempt at a card in its current state (its `reps`, on
the learner's current day); until the card is reviewed, every later check — and every review,
see quizzes.services.reviews — on any page, device or API client gets that verdict back, with the
ratings it allows. "I was right" (`attempt_override`) lets the learner overrule a wrong verdict
on a typed answer; the review then allows Hard, Good or Easy and is marked overridden.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from quizzes import errors, grading
from quizzes.models import Attempt, Card, QuestionKind, Rating, ReviewLog
from quizzes.selectors import (
    open_attempt,
)
from quizzes.services.queue import LearnerCard, elapsed_ms_from_token, learner_card_get
from quizzes.services.states import enrollment_for_card

# Typed answers, where a grader can miss a right answer the learner can vouch for.
OVERRIDABLE_KINDS = frozenset(
    {QuestionKind.SHORT_ANSWER, QuestionKind.SHELL_COMMAND, QuestionKind.CLOZE}
)
ALL_RATINGS = (Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY)
PASSING_RATINGS = (Rating.HARD, Rating.GOOD, Rating.EASY)


def allowed_ratings(
    *, kind: str, correct: bool | None, overridden: bool = False
) -> tuple[int, ...]:
    """The ratings a verdict allows: all four for a flashcard, Again only when wrong (Hard, Good
    or Easy once the learner said "I was right")."""
    if kind == QuestionKind.FLASHCARD or correct is None:
        return ALL_RATINGS
    if correct or overridden:
        return PASSING_RATINGS
    return (Rating.AGAIN,)


def override_allowed(*, kind: str, correct: bool | None, overridden: bool) -> bool:
    """Whether "I was right" is on offer: a wrong verdict on a typed answer, not yet overridden."""
    return kind in OVERRIDABLE_KINDS and correct is False and not overridden


def verdict_of(attempt: Attempt, card: Card) -> grading.Verdict:
    """The verdict an attempt recorded, with the card's expected answer as it stands now."""
    question = card.question
    try:
        expected = grading.expected_answer(
            question.kind, question.spec, deletion=card.deletion or None
        )
    except grading.InvalidAnswer:
        expected = None
    return grading.Verdict(attempt.correct, attempt.score or 0.0, attempt.feedback, expected)


def new_attempt(
    *,
    learner: AbstractBaseUser,
    card: Card,
    reps: int,
    answer: Any,
    verdict: grading.Verdict,
    now: datetime,
    elapsed_ms: int = 0,
) -> Attempt:
    """An unsaved attempt: this answer, graded, as the first at the card in the state `reps`."""
    return Attempt(
        learner=learner,
        card=card,
        bank_id=card.bank_id,
        question_id=card.question_id,
        reps=reps,
        correct=verdict.correct,
        score=verdict.score,
        answer=answer,
        feedback=verdict.feedback,
        elapsed_ms=elapsed_ms,
        attempted_at=now,
        opened_at=now,
    )


def attempt_open(*, attempt: Attempt, stale: Attempt | None, now: datetime) -> tuple[Attempt, bool]:
    """Save a new open attempt (closing a stale one first); when a concurrent request opened one
    first, that one instead. Returns the open attempt and whether it is the one given."""
    try:
        with transaction.atomic():
            if stale is not None:
                Attempt.objects.filter(pk=stale.pk, closed_at__isnull=True).update(closed_at=now)
            attempt.save(force_insert=True)
            return attempt, True
    except IntegrityError:
        # The partial unique constraint: another check or device recorded the first attempt.
        found = open_attempt(learner_id=attempt.learner_id, card_id=attempt.card_id)
        if found is None:
            raise
        return found, False


@dataclass(frozen=True)
class CheckResult:
    """A card's verdict as it stands: the first graded answer at it in its current state."""

    card: Card
    verdict: grading.Verdict
    allowed: tuple[int, ...]
    previews: dict[int, datetime]
    answer: Any = None  # the answer the verdict is about (the first one)
    attempted_at: datetime | None = None
    repeated: bool = False  # an earlier check's verdict, not this answer's
    overridden: bool = False
    override_allowed: bool = False
    # When "I was right" is on offer: where Hard, Good and Easy would then schedule the card.
    override_previews: dict[int, datetime] = field(default_factory=dict)


def check_result(
    *, card: Card, attempt: Attempt, previews: dict[int, datetime], repeated: bool
) -> CheckResult:
    """What a front end shows for an open attempt: its verdict, answer and allowed ratings."""
    kind = card.question.kind
    allowed = allowed_ratings(kind=kind, correct=attempt.correct, overridden=attempt.overridden)
    can_override = override_allowed(
        kind=kind, correct=attempt.correct, overridden=attempt.overridden
    )
    return CheckResult(
        card=card,
        verdict=verdict_of(attempt, card),
        allowed=allowed,
        previews={r: previews[r] for r in allowed},
        answer=attempt.answer,
        attempted_at=attempt.attempted_at,
        repeated=repeated,
        overridden=attempt.overridden,
        override_allowed=can_override,
        override_previews={r: previews[r] for r in PASSING_RATINGS} if can_override else {},
    )


def answer_check(
    *,
    learner: AbstractBaseUser,
    card: Card,
    answer: Any,
    now: datetime,
    serve_token: str | None = None,
) -> CheckResult:
    """Grade an answer; the first graded answer at a card in its current state is recorded and
    its verdict sticks: a later check (any page, device or client) returns it, not a new one.

    Raises grading.InvalidAnswer on a payload of the wrong shape, before anything is written.
    """
    enrollment_for_card(learner=learner, card=card)
    question = card.question
    verdict = grading.grade(question.kind, question.spec, answer, deletion=card.deletion or None)
    seen = _seen(learner=learner, card=card, now=now)
    attempt, repeated = seen.attempt, True
    if attempt is None:
        first = new_attempt(
            learner=learner,
            card=card,
            reps=seen.reps,
            answer=answer,
            verdict=verdict,
            now=now,
            elapsed_ms=elapsed_ms_from_token(
                token=serve_token, learner=learner, card=card, now=now
            ),
        )
        attempt, mine = attempt_open(attempt=first, stale=seen.stale, now=now)
        repeated = not mine
    previews = seen.previews(learner=learner, now=now)
    return check_result(card=card, attempt=attempt, previews=previews, repeated=repeated)


def _seen(*, learner: AbstractBaseUser, card: Card, now: datetime) -> LearnerCard:
    seen = learner_card_get(learner=learner, card_id=card.pk, now=now)
    assert seen is not None  # the card exists: its enrolment was just checked
    return replace(seen, card=card)


def attempt_override(*, learner: AbstractBaseUser, card: Card, now: datetime) -> CheckResult:
    """ "I was right": the learner overrules the wrong verdict of their typed answer. The review
    then allows Hard, Good or Easy, and both the attempt and the review are marked overridden."""
    enrollment_for_card(learner=learner, card=card)
    seen = _seen(learner=learner, card=card, now=now)
    attempt = seen.attempt
    if attempt is None:
        raise ValidationError(errors.NOTHING_TO_OVERRIDE, code="nothing_to_override")
    kind = card.question.kind
    if not attempt.overridden:
        if not override_allowed(kind=kind, correct=attempt.correct, overridden=False):
            raise ValidationError(errors.OVERRIDE_NOT_ALLOWED, code="override_not_allowed")
        Attempt.objects.filter(pk=attempt.pk, closed_at__isnull=True).update(overridden=True)
        attempt.overridden = True
    previews = seen.previews(learner=learner, now=now)
    return check_result(card=card, attempt=attempt, previews=previews, repeated=True)


def attempt_reopen(*, log: ReviewLog, now: datetime) -> None:
    """After an undo: the undone review's attempt is open again, with its verdict and answer,
    for the learner to choose another rating (undo is for a mis-clicked rating, not a retry)."""
    others = Attempt.objects.filter(
        learner_id=log.learner_id, card_id=log.card_id, closed_at__isnull=True
    )
    # An attempt opened after that review belongs to a state the undo has just taken back.
    others.update(closed_at=now)
    if Attempt.objects.filter(review=log).update(closed_at=None, review=None, opened_at=now):
        return
    # A review recorded before attempts were: its own verdict is the one to keep.
    card = log.card
    try:
        feedback = grading.grade(
            card.question.kind, card.question.spec, log.answer, deletion=card.deletion or None
        ).feedback
    except grading.InvalidAnswer:
        feedback = ""
    Attempt.objects.create(
        learner_id=log.learner_id,
        card_id=log.card_id,
        bank_id=log.bank_id,
        question_id=card.question_id,
        reps=int(log.state_before.get("reps") or 0),
        correct=log.correct,
        score=log.score,
        answer=log.answer,
        feedback=feedback,
        elapsed_ms=log.elapsed_ms,
        attempted_at=log.reviewed_at,
        opened_at=now,
        overridden=log.overridden,
    )


def attempt_close(*, learner: AbstractBaseUser, card: Card, now: datetime) -> None:
    """Close the open attempt at a card without a review (a reset: the next answer is fresh)."""
    Attempt.objects.filter(learner=learner, card=card, closed_at__isnull=True).update(closed_at=now)
