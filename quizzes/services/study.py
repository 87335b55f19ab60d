"""The study loop: what to show next, grading without recording, recording, undo, card actions.

The pages and the REST API both call these functions; each behaviour exists once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from quizzes import conf, errors, grading, scheduling
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
    QueueCounts,
    QueuedCard,
    card_with_question,
    counts_after_review,
    learner_day,
    learner_profile_get,
    queue_context,
    schedule_of,
    scheduler_config,
    state_locked,
    state_with_card,
    topic_ids_with_descendants,
)

_SERVE_SALT = "kmodquiz.serve"


# --- what to show next --------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    card: Card
    state: CardState | None
    queue: str  # "learning", "review" or "new"
    previews: dict[int, datetime]
    serve_token: str


@dataclass(frozen=True)
class QueueResult:
    item: QueueItem | None
    counts: QueueCounts
    next_due: datetime | None = None
    day_end: datetime | None = None


def enrollment_get(*, learner: AbstractBaseUser, bank: Bank) -> Enrollment:
    try:
        return Enrollment.objects.select_related("bank").get(learner=learner, bank=bank)
    except Enrollment.DoesNotExist:
        raise errors.NotEnrolled() from None


def serve_token_make(*, learner: AbstractBaseUser, card: Card, now: datetime) -> str:
    """A signed note of when the server showed this card, to measure the answer time."""
    return signing.dumps({"l": learner.pk, "c": card.pk, "t": now.timestamp()}, salt=_SERVE_SALT)


def elapsed_ms_from_token(
    *, token: str | None, learner: AbstractBaseUser, card: Card, now: datetime
) -> int:
    """Milliseconds since the card was served, capped as Anki caps it; 0 when unknown."""
    if not token:
        return 0
    try:
        data = signing.loads(token, salt=_SERVE_SALT, max_age=86400)
    except signing.BadSignature:
        return 0
    if data.get("l") != learner.pk or data.get("c") != card.pk:
        return 0
    elapsed = now.timestamp() - float(data["t"])
    cap = conf.get("ANSWER_TIME_CAP_SECONDS")
    return int(max(0.0, min(elapsed, cap)) * 1000)


def study_queue_next(
    *,
    learner: AbstractBaseUser,
    bank: Bank,
    now: datetime,
    topics: list[str] | None = None,
    enrollment: Enrollment | None = None,
) -> QueueResult:
    """The next card to study in a bank, with today's counts and the four interval previews.

    Order: learning/relearning cards due now; then reviews due by the end of the learner's day
    (by due time) interleaved with new cards within today's limit; when nothing else is left,
    learning cards due within the learn-ahead window. Pass the learner's `enrollment` in this
    bank when the caller already has it.
    """
    if enrollment is None or enrollment.bank_id != bank.pk or enrollment.learner_id != learner.pk:
        enrollment = enrollment_get(learner=learner, bank=bank)
    topic_ids = topic_ids_with_descendants(bank=bank, slugs=topics or [])
    if topics and not topic_ids:
        topic_ids = [-1]  # unknown topics: nothing matches, rather than everything
    ctx = queue_context(learner=learner, enrollment=enrollment, now=now, topic_ids=topic_ids)
    snap = ctx.snapshot
    state_id: int | None = None
    card_id: int | None = None
    queue = "learning"
    if snap.learning_now_id is not None:
        state_id = snap.learning_now_id
    else:
        review_id = snap.review_id if ctx.counts.review else None
        if ctx.counts.new and snap.new_card_id and (review_id is None or _new_turn(ctx)):
            card_id, state_id, queue = snap.new_card_id, snap.new_card_state_id, "new"
        elif review_id is not None:
            state_id, queue = review_id, "review"
        else:
            state_id = snap.learn_ahead_id
    if state_id is None and card_id is None:
        return QueueResult(item=None, counts=ctx.counts, day_end=ctx.end, next_due=snap.next_due)
    state: CardState | None = None
    if state_id is not None:
        state = state_with_card(state_id=state_id)
        assert state is not None  # read in this request's snapshot; states are never deleted
        card = state.card
    else:
        found = card_with_question(card_id=card_id)
        assert found is not None  # cards are never deleted (PROTECT)
        card = found
    config = scheduler_config(ctx.profile)
    previews = scheduling.preview(schedule_of(state), now=now, config=config, card_id=card.pk)
    item = QueueItem(
        card=card,
        state=state,
        queue=queue,
        previews=previews,
        serve_token=serve_token_make(learner=learner, card=card, now=now),
    )
    return QueueResult(item=item, counts=ctx.counts, day_end=ctx.end)


def _new_turn(ctx: Any) -> bool:
    # Anki's "mix new cards with reviews": every Nth card is new, N spreading today's new cards
    # evenly through today's reviews.
    new, review = ctx.counts.new, ctx.counts.review
    modulus = (new + review) // max(new, 1) + (1 if review else 0)
    return ctx.done.total % max(modulus, 1) == 0


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
    *, learner: AbstractBaseUser, now: datetime, bank: Bank | None = None
) -> UndoResult:
    """Undo the learner's latest live review of today: restore the state it held before."""
    profile = learner_profile_get(learner=learner)
    start, end = learner_day(profile=profile, now=now)
    with transaction.atomic():
        logs = ReviewLog.objects.select_for_update().filter(
            learner=learner, undone_at__isnull=True, reviewed_at__gte=start, reviewed_at__lt=end
        )
        if bank is not None:
            logs = logs.filter(bank=bank)
        log = logs.select_related("card__question").order_by("-reviewed_at", "-id").first()
        if log is None:
            raise ValidationError(errors.NOTHING_TO_UNDO, code="nothing_to_undo")
        state = _state_for_update(learner=learner, card=log.card)
        _restore(state, log.state_before)
        state.save()
        log.undone_at = now
        log.save(update_fields=["undone_at"])
    return UndoResult(log=log, card=log.card)


def card_suspend(*, learner: AbstractBaseUser, card: Card) -> CardState:
    """Take a card out of the queue until unsuspended."""
    _card_for_learner(learner=learner, card=card)
    with transaction.atomic():
        state = _state_for_update(learner=learner, card=card)
        state.suspended = True
        state.save(update_fields=["suspended"])
    return state


def card_unsuspend(*, learner: AbstractBaseUser, card: Card) -> CardState:
    """Return a suspended card (a leech too) to the queue."""
    _card_for_learner(learner=learner, card=card)
    with transaction.atomic():
        state = _state_for_update(learner=learner, card=card)
        state.suspended = False
        state.save(update_fields=["suspended"])
    return state


def card_bury(*, learner: AbstractBaseUser, card: Card, now: datetime) -> list[CardState]:
    """Hide a card, and its cloze siblings, until the learner's next day starts."""
    _card_for_learner(learner=learner, card=card)
    _start, end = learner_day(profile=learner_profile_get(learner=learner), now=now)
    siblings = list(Card.objects.filter(question_id=card.question_id, retired_at__isnull=True))
    states = []
    with transaction.atomic():
        for sibling in siblings:
            state = _state_for_update(learner=learner, card=sibling)
            state.buried_until = end
            state.save(update_fields=["buried_until"])
            states.append(state)
    return states


def card_reset(*, learner: AbstractBaseUser, card: Card) -> CardState:
    """Forget a card: it is new again (its review history stays in the log)."""
    _card_for_learner(learner=learner, card=card)
    with transaction.atomic():
        state = _state_for_update(learner=learner, card=card)
        _restore(
            state,
            {
                **scheduling.reset(schedule_of(state)).to_json(),
                "suspended": False,
                "is_leech": False,
                "buried_until": None,
            },
        )
        state.save()
    return state


def retrievability_now(
    *, learner: AbstractBaseUser, state: CardState | None, now: datetime
) -> float:
    config = scheduler_config(learner_profile_get(learner=learner))
    return scheduling.retrievability(schedule_of(state), now=now, config=config)


__all__ = [
    "CheckResult",
    "QueueItem",
    "QueueResult",
    "ReviewResult",
    "UndoResult",
    "allowed_ratings",
    "answer_check",
    "card_bury",
    "card_reset",
    "card_suspend",
    "card_unsuspend",
    "elapsed_ms_from_token",
    "enrollment_get",
    "retrievability_now",
    "review_submit",
    "review_undo",
    "serve_token_make",
    "study_queue_next",
]
