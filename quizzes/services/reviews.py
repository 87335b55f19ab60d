"""Answering: grading without recording, recording a review exactly once, and undo."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from quizzes import conf, errors, grading, scheduling, signals
from quizzes.models import (
    Bank,
    Card,
    CardState,
    CardStatus,
    Enrollment,
    QuestionKind,
    Rating,
    ReviewLog,
)
from quizzes.selectors import (
    QueuedCard,
    counts_after_review,
    learner_day,
    learner_profile_get,
    queue_context,
    schedule_of,
    scheduler_config,
    state_locked,
)
from quizzes.services.queue import elapsed_ms_from_token

# --- grading without recording ------------------------------------------------------------------


def allowed_ratings(*, kind: str, correct: bool | None) -> tuple[int, ...]:
    """The ratings a verdict allows: all four for a flashcard, Again only when wrong."""
    if kind == QuestionKind.FLASHCARD or correct is None:
        return (Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY)
    if correct:
        return (Rating.HARD, Rating.GOOD, Rating.EASY)
    return (Rating.AGAIN,)


@dataclass(frozen=True)
class CheckResult:
    card: Card
    verdict: grading.Verdict
    allowed: tuple[int, ...]
    previews: dict[int, datetime]


def _card_for_learner(*, learner: AbstractBaseUser, card: Card) -> Enrollment:
    """The learner's enrolment in the card's bank; refuses retired cards and other banks."""
    try:
        enrollment = Enrollment.objects.get(learner=learner, bank_id=card.bank_id)
    except Enrollment.DoesNotExist:
        raise errors.NotEnrolled(errors.CARD_NOT_IN_ENROLLED_BANK) from None
    if card.retired_at is not None:
        raise ValidationError(errors.CARD_RETIRED, code="retired")
    return enrollment


def answer_check(
    *, learner: AbstractBaseUser, card: Card, answer: Any, now: datetime
) -> CheckResult:
    """Grade an answer without recording anything; raises grading.InvalidAnswer on a bad shape."""
    _card_for_learner(learner=learner, card=card)
    question = card.question
    verdict = grading.grade(question.kind, question.spec, answer, deletion=card.deletion or None)
    allowed = allowed_ratings(kind=question.kind, correct=verdict.correct)
    state = CardState.objects.filter(learner=learner, card=card).first()
    config = scheduler_config(learner_profile_get(learner=learner))
    previews = scheduling.preview(schedule_of(state), now=now, config=config, card_id=card.pk)
    return CheckResult(
        card=card, verdict=verdict, allowed=allowed, previews={r: previews[r] for r in allowed}
    )


# --- recording ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewResult:
    """What review_submit returns; its JSON is stored on the log to answer a repeated key."""

    log_id: int
    card_id: int
    rating: int
    correct: bool | None
    score: float
    feedback: str
    expected: Any
    explanation: str
    due: datetime
    interval: str
    leech: bool
    counts: dict[str, int]
    replayed: bool = field(default=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "log_id": self.log_id,
            "card_id": self.card_id,
            "rating": self.rating,
            "correct": self.correct,
            "score": self.score,
            "feedback": self.feedback,
            "expected": self.expected,
            "explanation": self.explanation,
            "due": self.due.isoformat(),
            "interval": self.interval,
            "leech": self.leech,
            "counts": self.counts,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], *, replayed: bool = True) -> ReviewResult:
        values = dict(data)
        values["due"] = datetime.fromisoformat(values["due"])
        return cls(**values, replayed=replayed)


def request_hash(*, card_id: int, answer: Any, rating: int | None) -> str:
    body = json.dumps(
        {"card": card_id, "answer": answer, "rating": rating},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _snapshot(state: CardState | None) -> dict[str, Any]:
    if state is None:
        return {
            **scheduling.Schedule().to_json(),
            "suspended": False,
            "is_leech": False,
            "buried_until": None,
        }
    return {
        **schedule_of(state).to_json(),
        "suspended": state.suspended,
        "is_leech": state.is_leech,
        "buried_until": state.buried_until.isoformat() if state.buried_until else None,
    }


def _restore(state: CardState, snapshot: dict[str, Any]) -> None:
    schedule = scheduling.Schedule.from_json(snapshot)
    state.status = schedule.status
    state.step = schedule.step
    state.stability = schedule.stability
    state.difficulty = schedule.difficulty
    state.due = schedule.due
    state.last_review = schedule.last_review
    state.reps = schedule.reps
    state.lapses = schedule.lapses
    state.suspended = bool(snapshot.get("suspended"))
    state.is_leech = bool(snapshot.get("is_leech"))
    buried = snapshot.get("buried_until")
    state.buried_until = datetime.fromisoformat(buried) if buried else None


def _state_for_update(*, learner: AbstractBaseUser, card: Card) -> CardState:
    """The learner's state row of a card, locked; created (as new) when missing."""
    state = state_locked(learner_id=learner.pk, card_id=card.pk)
    if state is not None:
        return state
    try:
        with transaction.atomic():
            return CardState.objects.create(
                learner=learner,
                card=card,
                bank_id=card.bank_id,
                retired=card.retired_at is not None,
            )
    except IntegrityError:
        # Another request created it first; take the row it made, waiting for its lock.
        state = state_locked(learner_id=learner.pk, card_id=card.pk)
        assert state is not None
        return state


def _resolve_rating(*, kind: str, correct: bool | None, rating: int | None) -> int:
    if rating is not None and rating not in Rating.values:
        raise ValidationError(errors.RATING_INVALID, code="rating_invalid")
    if kind == QuestionKind.FLASHCARD or correct is None:
        if rating is None:
            raise ValidationError(errors.RATING_REQUIRED, code="rating_required")
        return rating
    if not correct:
        if rating not in (None, Rating.AGAIN):
            raise ValidationError(errors.WRONG_ANSWER_ONLY_AGAIN, code="rating_not_allowed")
        return Rating.AGAIN
    if rating == Rating.AGAIN:
        raise ValidationError(errors.RIGHT_ANSWER_NOT_AGAIN, code="rating_not_allowed")
    return rating or Rating.GOOD


def _replay(*, learner: AbstractBaseUser, key: str, digest: str) -> ReviewResult | None:
    log = ReviewLog.objects.filter(learner=learner, idempotency_key=key).first()
    if log is None:
        return None
    if log.request_hash != digest:
        raise errors.IdempotencyConflict()
    return ReviewResult.from_json({**log.response, "log_id": log.pk})


def review_submit(
    *,
    learner: AbstractBaseUser,
    card: Card,
    answer: Any,
    rating: int | None,
    now: datetime,
    idempotency_key: str | None = None,
    serve_token: str | None = None,
) -> ReviewResult:
    """Grade, schedule and record one review, exactly once per idempotency key.

    A wrong answer is rated Again; a right one Good unless the learner chose Hard or Easy;
    a flashcard needs an explicit rating. The state row is locked for the whole transaction.
    """
    now = now.astimezone(UTC)
    digest = request_hash(card_id=card.pk, answer=answer, rating=rating)
    try:
        return _record_review(
            learner=learner,
            card=card,
            answer=answer,
            rating=rating,
            now=now,
            idempotency_key=idempotency_key,
            digest=digest,
            serve_token=serve_token,
        )
    except (ValidationError, grading.InvalidAnswer, IntegrityError):
        # The key's unique constraint is the guard: a key already used (by a retry, or by a
        # concurrent twin that committed first) fails the insert and rolls everything back.
        # Only then is the first answer looked up, so the common path pays no extra query.
        if idempotency_key:
            replay = _replay(learner=learner, key=idempotency_key, digest=digest)
            if replay is not None:
                return replay
        raise


def _record_review(
    *,
    learner: AbstractBaseUser,
    card: Card,
    answer: Any,
    rating: int | None,
    now: datetime,
    idempotency_key: str | None,
    digest: str,
    serve_token: str | None,
) -> ReviewResult:
    enrollment = _card_for_learner(learner=learner, card=card)
    question = card.question
    verdict = grading.grade(question.kind, question.spec, answer, deletion=card.deletion or None)
    final_rating = _resolve_rating(kind=question.kind, correct=verdict.correct, rating=rating)
    profile = learner_profile_get(learner=learner)
    # Today's counts are read before the write transaction, to keep the write lock short (on
    # SQLite every writer waits for it); this card's own move is then applied in Python.
    ctx = queue_context(learner=learner, enrollment=enrollment, now=now)
    with transaction.atomic():
        state = _state_for_update(learner=learner, card=card)
        if state.suspended:
            raise ValidationError(errors.CARD_SUSPENDED, code="suspended")
        before = _snapshot(state)
        was = QueuedCard(
            status=state.status,
            due=state.due,
            suspended=state.suspended,
            buried_until=state.buried_until,
        )
        schedule = scheduling.review(
            schedule_of(state),
            final_rating,
            now=now,
            config=scheduler_config(profile),
            card_id=card.pk,
        )
        _restore(
            state,
            {
                **schedule.to_json(),
                "suspended": False,
                "is_leech": state.is_leech,
                "buried_until": None,
            },
        )
        leech = _is_new_leech(
            schedule, lapsed=before["status"] == CardStatus.REVIEW and final_rating == Rating.AGAIN
        )
        if leech:
            state.suspended = True
            state.is_leech = True
        state.save()
        counts = counts_after_review(
            ctx,
            was=was,
            now_is=QueuedCard(
                status=state.status, due=state.due, suspended=state.suspended, buried_until=None
            ),
            now=now,
        )
        result = ReviewResult(
            log_id=0,
            card_id=card.pk,
            rating=final_rating,
            correct=verdict.correct,
            score=verdict.score,
            feedback=verdict.feedback,
            expected=verdict.expected,
            explanation=question.explanation,
            due=schedule.due,
            interval=scheduling.format_interval(schedule.due - now),
            leech=leech,
            counts=counts.to_json(),
        )
        response = result.to_json()
        del response["log_id"]  # known once inserted; _replay adds it back from the row
        log = ReviewLog.objects.create(
            learner=learner,
            card=card,
            bank_id=card.bank_id,
            rating=final_rating,
            correct=verdict.correct,
            score=verdict.score,
            answer=answer,
            elapsed_ms=elapsed_ms_from_token(
                token=serve_token, learner=learner, card=card, now=now
            ),
            reviewed_at=now,
            status_before=before["status"],
            state_before=before,
            state_after=_snapshot(state),
            due_after=schedule.due,
            interval_seconds=int((schedule.due - now).total_seconds()),
            idempotency_key=idempotency_key or None,
            request_hash=digest,
            response=response,
        )
    signals.review_recorded.send(
        ReviewLog,
        learner=learner,
        bank_id=card.bank_id,
        card_id=card.pk,
        log_id=log.pk,
        reviewed_at=now,
    )
    return replace(result, log_id=log.pk)


def _is_new_leech(schedule: scheduling.Schedule, *, lapsed: bool) -> bool:
    # As Anki: a leech at the threshold, and again every half-threshold lapses after it.
    threshold = conf.get("LEECH_THRESHOLD")
    if not lapsed or threshold <= 0 or schedule.lapses < threshold:
        return False
    return (schedule.lapses - threshold) % max(1, threshold // 2) == 0


# --- undo and card actions ----------------------------------------------------------------------


@dataclass(frozen=True)
class UndoResult:
    log: ReviewLog
    card: Card


def review_undo(
    *,
    learner: AbstractBaseUser,
    now: datetime,
    bank: Bank | None = None,
    bank_ids: Collection[int] | None = None,
) -> UndoResult:
    """Undo the learner's latest live review of today: restore the state it held before.

    `bank` or `bank_ids` narrow the search (an API token limited to some banks never reaches,
    nor names, a review in another bank)."""
    profile = learner_profile_get(learner=learner)
    start, end = learner_day(profile=profile, now=now)
    with transaction.atomic():
        logs = ReviewLog.objects.select_for_update().filter(
            learner=learner, undone_at__isnull=True, reviewed_at__gte=start, reviewed_at__lt=end
        )
        if bank is not None:
            logs = logs.filter(bank=bank)
        if bank_ids is not None:
            logs = logs.filter(bank_id__in=list(bank_ids))
        log = logs.select_related("card__question").order_by("-reviewed_at", "-id").first()
        if log is None:
            raise ValidationError(errors.NOTHING_TO_UNDO, code="nothing_to_undo")
        state = _state_for_update(learner=learner, card=log.card)
        _restore(state, log.state_before)
        state.save()
        log.undone_at = now
        log.save(update_fields=["undone_at"])
    return UndoResult(log=log, card=log.card)
