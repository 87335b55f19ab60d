"""Recording a review exactly once, with the first verdict at the card."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from quizzes import conf, errors, grading, scheduling, signals
from quizzes.models import (
    Attempt,
    Card,
    CardState,
    CardStatus,
    QuestionKind,
    Rating,
    ReviewLog,
)
from quizzes.selectors import (
    QueueContext,
    QueuedCard,
    counts_after_review,
    queue_context,
    schedule_of,
    scheduler_config,
)
from quizzes.services.attempts import (
    attempt_open,
    new_attempt,
    override_allowed,
    verdict_of,
)
from quizzes.services.daily_stats import daily_stat_record
from quizzes.services.queue import elapsed_ms_from_token
from quizzes.services.states import (
    enrollment_for_card,
    state_and_attempt_for_update,
    state_restore,
    state_snapshot,
)


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
    overridden: bool = False
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
            "overridden": self.overridden,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], *, replayed: bool = True) -> ReviewResult:
        values = dict(data)
        values["due"] = datetime.fromisoformat(values["due"])
        return cls(**values, replayed=replayed)


def request_hash(*, card_id: int, answer: Any, rating: int | None, override: bool = False) -> str:
    request: dict[str, Any] = {"card": card_id, "answer": answer, "rating": rating}
    if override:  # only when sent, so that keys stored before overrides existed still match
        request["override"] = True
    body = json.dumps(
        request,
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _resolve_override(*, kind: str, correct: bool | None, overridden: bool, override: bool) -> bool:
    """Whether the review is overridden: it was already, or "I was right" is asked and allowed."""
    if not override or overridden:
        return overridden
    if not override_allowed(kind=kind, correct=correct, overridden=False):
        raise ValidationError(errors.OVERRIDE_NOT_ALLOWED, code="override_not_allowed")
    return True


def _resolve_rating(
    *, kind: str, correct: bool | None, rating: int | None, overridden: bool = False
) -> int:
    if rating is not None and rating not in Rating.values:
        raise ValidationError(errors.RATING_INVALID, code="rating_invalid")
    if kind == QuestionKind.FLASHCARD or correct is None:
        if rating is None:
            raise ValidationError(errors.RATING_REQUIRED, code="rating_required")
        return rating
    if not correct and not overridden:
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
    override: bool = False,
) -> ReviewResult:
    """Grade, schedule and record one review, exactly once per idempotency key.

    The verdict is the first one at the card in its current state (see services.attempts): an
    earlier check's, whatever answer comes now; without one, this answer's, recorded as the
    first attempt — even when the rating is then refused. A wrong answer is rated Again (Hard,
    Good or Easy when overridden: `override` says "I was right"); a right one Good unless the
    learner chose Hard or Easy; a flashcard needs an explicit rating. The state row is locked
    for the whole transaction.
    """
    now = now.astimezone(UTC)
    digest = request_hash(card_id=card.pk, answer=answer, rating=rating, override=override)
    try:
        return _record_review(
            learner=learner,
            card=card,
            answer=answer,
            rating=rating,
            override=override,
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
    override: bool,
    now: datetime,
    idempotency_key: str | None,
    digest: str,
    serve_token: str | None,
) -> ReviewResult:
    enrollment = enrollment_for_card(learner=learner, card=card)
    question = card.question
    given = grading.grade(question.kind, question.spec, answer, deletion=card.deletion or None)
    elapsed_ms = elapsed_ms_from_token(token=serve_token, learner=learner, card=card, now=now)
    # Today's counts are read before the write transaction, to keep the write lock short (on
    # SQLite every writer waits for it); this card's own move is then applied in Python.
    ctx = queue_context(learner=learner, enrollment=enrollment, now=now)
    refused: ValidationError | None = None
    with transaction.atomic():
        state, attempt = state_and_attempt_for_update(learner=learner, card=card)
        if state.suspended:
            raise ValidationError(errors.CARD_SUSPENDED, code="suspended")
        stale = None
        if attempt is not None and not attempt.is_current_for(reps=state.reps, day_start=ctx.start):
            stale, attempt = attempt, None
        first = attempt or new_attempt(
            learner=learner,
            card=card,
            reps=state.reps,
            answer=answer,
            verdict=given,
            now=now,
            elapsed_ms=elapsed_ms,
        )
        verdict = given if attempt is None else verdict_of(attempt, card)
        try:
            overridden = _resolve_override(
                kind=question.kind,
                correct=verdict.correct,
                overridden=first.overridden,
                override=override,
            )
            final_rating = _resolve_rating(
                kind=question.kind, correct=verdict.correct, rating=rating, overridden=overridden
            )
        except ValidationError as exc:
            if idempotency_key and _key_used(learner=learner, key=idempotency_key):
                raise  # a retry of a recorded review: roll back, and answer as the first time
            if attempt is None:
                # The first answer stands even though its rating was refused.
                attempt_open(attempt=first, stale=stale, now=now)
            refused = exc
        else:
            result = _apply_review(
                learner=learner,
                card=card,
                ctx=ctx,
                state=state,
                verdict=verdict,
                first=first,
                stale=stale,
                rating=final_rating,
                overridden=overridden,
                now=now,
                idempotency_key=idempotency_key,
                digest=digest,
            )
    if refused is not None:
        raise refused
    signals.review_recorded.send(
        ReviewLog,
        learner=learner,
        bank_id=card.bank_id,
        card_id=card.pk,
        log_id=result.log_id,
        reviewed_at=now,
    )
    return result


def _key_used(*, learner: AbstractBaseUser, key: str) -> bool:
    return ReviewLog.objects.filter(learner=learner, idempotency_key=key).exists()


def _apply_review(
    *,
    learner: AbstractBaseUser,
    card: Card,
    ctx: QueueContext,
    state: CardState,
    verdict: grading.Verdict,
    first: Attempt,
    stale: Attempt | None,
    rating: int,
    overridden: bool,
    now: datetime,
    idempotency_key: str | None,
    digest: str,
) -> ReviewResult:
    """Schedule the card, save its state, append the log row and close the attempt (all inside
    the caller's transaction, the state row locked)."""
    question = card.question
    before = state_snapshot(state)
    was = QueuedCard(
        status=state.status,
        due=state.due,
        suspended=state.suspended,
        buried_until=state.buried_until,
    )
    schedule = scheduling.review(
        schedule_of(state),
        rating,
        now=now,
        config=scheduler_config(ctx.profile),
        card_id=card.pk,
        learner_id=learner.pk,
    )
    leech = state_schedule_apply(
        state, schedule, lapsed=before["status"] == CardStatus.REVIEW and rating == Rating.AGAIN
    )
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
        rating=rating,
        correct=verdict.correct,
        score=verdict.score,
        feedback=verdict.feedback,
        expected=verdict.expected,
        explanation=question.explanation,
        due=schedule.due,
        interval=scheduling.format_interval(schedule.due - now),
        leech=leech,
        counts=counts.to_json(),
        overridden=overridden,
    )
    response = result.to_json()
    del response["log_id"]  # known once inserted; _replay adds it back from the row
    log = ReviewLog.objects.create(
        learner=learner,
        card=card,
        bank_id=card.bank_id,
        rating=rating,
        correct=verdict.correct,
        score=verdict.score,
        # The answer the verdict is about: the first one, whatever this request sent.
        answer=first.answer,
        elapsed_ms=first.elapsed_ms,
        reviewed_at=now,
        status_before=before["status"],
        state_before=before,
        state_after=state_snapshot(state),
        due_after=schedule.due,
        interval_seconds=int((schedule.due - now).total_seconds()),
        idempotency_key=idempotency_key or None,
        request_hash=digest,
        response=response,
        overridden=overridden,
    )
    daily_stat_record(log=log, profile=ctx.profile)
    if first.pk is not None:
        Attempt.objects.filter(pk=first.pk).update(review=log, closed_at=now, overridden=overridden)
    else:
        if stale is not None:
            Attempt.objects.filter(pk=stale.pk, closed_at__isnull=True).update(closed_at=now)
        first.review, first.closed_at, first.overridden = log, now, overridden
        first.save(force_insert=True)
    if _has_siblings(card) and (ctx.profile.bury_new_siblings or ctx.profile.bury_review_siblings):
        # Burying this card's siblings changes today's counts in ways only a fresh count knows.
        fresh = queue_context(learner=learner, enrollment=ctx.enrollment, now=now).counts.to_json()
        if fresh != result.counts:
            result = replace(result, counts=fresh)
            log.response = {**response, "counts": fresh}
            log.save(update_fields=["response"])
    return replace(result, log_id=log.pk)


def _has_siblings(card: Card) -> bool:
    question = card.question
    if question.kind != QuestionKind.CLOZE or not card.deletion:
        return False
    return len(grading.cloze_keys((question.spec or {}).get("text", ""))) > 1


def state_schedule_apply(state: CardState, schedule: scheduling.Schedule, *, lapsed: bool) -> bool:
    """Put a review's `schedule` on `state` (unsaved), as every review does: unsuspended and
    unburied, its leech mark kept; a card that has just become a leech is suspended. Returns
    whether it became one with this review."""
    state_restore(
        state,
        {
            **schedule.to_json(),
            "suspended": False,
            "is_leech": state.is_leech,
            "buried_until": None,
        },
    )
    leech = _is_new_leech(schedule, lapsed=lapsed)
    if leech:
        state.suspended = True
        state.is_leech = True
    return leech


def _is_new_leech(schedule: scheduling.Schedule, *, lapsed: bool) -> bool:
    # As Anki: a leech at the threshold, and again every half-threshold lapses after it.
    threshold = conf.get("LEECH_THRESHOLD")
    if not lapsed or threshold <= 0 or schedule.lapses < threshold:
        return False
    return (schedule.lapses - threshold) % max(1, threshold // 2) == 0
