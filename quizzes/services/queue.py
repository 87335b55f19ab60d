"""What to show next: the study queue, and the signed note of when a card was served.

The pages and the REST API both call these functions; each behaviour exists once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing

from quizzes import conf, errors, scheduling
from quizzes.models import (
    Attempt,
    Bank,
    Card,
    CardState,
    CardStatus,
    Enrollment,
    LearnerProfile,
)
from quizzes.selectors import (
    QueueCounts,
    card_for_learner,
    learner_day,
    learner_profile_get,
    queue_context,
    schedule_of,
    scheduler_config,
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
    # The learner's first answer at the card in this state, when already given: the card is
    # shown answered, with that verdict, not as a fresh question.
    attempt: Attempt | None = None


@dataclass(frozen=True)
class QueueResult:
    item: QueueItem | None
    counts: QueueCounts
    next_due: datetime | None = None
    day_end: datetime | None = None
    done_today: int = 0  # live reviews in this bank so far today


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
            card_id, queue = snap.new_card_id, "new"
        elif review_id is not None:
            state_id, queue = review_id, "review"
        else:
            state_id = snap.learn_ahead_id
    if state_id is None and card_id is None:
        return QueueResult(
            item=None,
            counts=ctx.counts,
            day_end=ctx.end,
            next_due=snap.next_due,
            done_today=ctx.done.total,
        )
    if state_id is not None:
        found = state_with_card(state_id=state_id)
        assert found is not None  # read in this request's snapshot; states are never deleted
        state, attempt = found
        card = state.card
    else:
        assert card_id is not None
        got = card_for_learner(card_id=card_id, learner_id=learner.pk)
        assert got is not None  # cards are never deleted (PROTECT)
        card, state, attempt = got
    seen = learner_card(
        card=card, state=state, attempt=attempt, profile=ctx.profile, day_start=ctx.start
    )
    item = _item(learner=learner, seen=seen, queue=queue, now=now)
    return QueueResult(item=item, counts=ctx.counts, day_end=ctx.end, done_today=ctx.done.total)


@dataclass(frozen=True)
class LearnerCard:
    """A card as it stands for one learner: their state of it, and their open attempt at it —
    `attempt` when it is current (this state, this learner day), `stale` when it is not."""

    card: Card
    state: CardState | None
    attempt: Attempt | None
    stale: Attempt | None
    profile: LearnerProfile

    @property
    def reps(self) -> int:
        return self.state.reps if self.state else 0

    def previews(self, *, learner: AbstractBaseUser, now: datetime) -> dict[int, datetime]:
        """When each rating would schedule the card (exactly as the review will)."""
        return scheduling.preview(
            schedule_of(self.state),
            now=now,
            config=scheduler_config(self.profile),
            card_id=self.card.pk,
            learner_id=learner.pk,
        )


def learner_card(
    *,
    card: Card,
    state: CardState | None,
    attempt: Attempt | None,
    profile: LearnerProfile,
    day_start: datetime,
) -> LearnerCard:
    reps = state.reps if state else 0
    if attempt is not None and not attempt.is_current_for(reps=reps, day_start=day_start):
        # From another state or an earlier day: the next answer is a fresh first attempt.
        return LearnerCard(card=card, state=state, attempt=None, stale=attempt, profile=profile)
    return LearnerCard(card=card, state=state, attempt=attempt, stale=None, profile=profile)


def learner_card_get(
    *, learner: AbstractBaseUser, card_id: int, now: datetime
) -> LearnerCard | None:
    """A card as it stands for the learner now (one lookup, the profile aside); None if no card."""
    found = card_for_learner(card_id=card_id, learner_id=learner.pk)
    if found is None:
        return None
    card, state, attempt = found
    profile = learner_profile_get(learner=learner)
    day_start, _end = learner_day(profile=profile, now=now)
    return learner_card(
        card=card, state=state, attempt=attempt, profile=profile, day_start=day_start
    )


def _item(*, learner: AbstractBaseUser, seen: LearnerCard, queue: str, now: datetime) -> QueueItem:
    return QueueItem(
        card=seen.card,
        state=seen.state,
        queue=queue,
        previews=seen.previews(learner=learner, now=now),
        serve_token=serve_token_make(learner=learner, card=seen.card, now=now),
        attempt=seen.attempt,
    )


def study_card(
    *, learner: AbstractBaseUser, bank: Bank, card_id: int, now: datetime
) -> QueueItem | None:
    """One given card of the bank to study now (after an undo, or a check on another device),
    as study_queue_next would serve it; None when it is not studiable (unknown, retired,
    suspended, or in another bank)."""
    seen = learner_card_get(learner=learner, card_id=card_id, now=now)
    if seen is None:
        return None
    card, state = seen.card, seen.state
    if card.bank_id != bank.pk or card.retired_at is not None or (state and state.suspended):
        return None
    return _item(learner=learner, seen=seen, queue=queue_of(state), now=now)


def queue_of(state: CardState | None) -> str:
    """The queue a card in this state is studied from: "new", "learning" or "review"."""
    if state is None or state.status == CardStatus.NEW:
        return "new"
    return "review" if state.status == CardStatus.REVIEW else "learning"


def _new_turn(ctx: Any) -> bool:
    # Anki's "mix new cards with reviews": every Nth card is new, N spreading today's new cards
    # evenly through today's reviews.
    new, review = ctx.counts.new, ctx.counts.review
    modulus = (new + review) // max(new, 1) + (1 if review else 0)
    return ctx.done.total % max(modulus, 1) == 0
