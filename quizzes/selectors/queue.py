"""The learner's day in one bank, read in one statement: counts and the next card of each queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection

from quizzes import conf
from quizzes.models import (
    Card,
    CardState,
    CardStatus,
    Enrollment,
    LearnerProfile,
    Question,
    ReviewLog,
)
from quizzes.selectors.learners import learner_day, learner_profile_get


@dataclass(frozen=True)
class DoneToday:
    new: int
    reviews: int
    total: int


@dataclass(frozen=True)
class QueueCounts:
    """What is left today: new cards, learning steps, reviews (as Anki's three numbers)."""

    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review

    def to_json(self) -> dict[str, int]:
        return {"new": self.new, "learning": self.learning, "review": self.review}


@dataclass(frozen=True)
class QueueContext:
    """Everything study_queue_next computes about the learner's day in one bank."""

    profile: LearnerProfile
    enrollment: Enrollment
    start: datetime
    end: datetime
    done: DoneToday
    counts: QueueCounts
    new_left: int
    reviews_left: int
    topic_ids: list[int]
    snapshot: QueueSnapshot


@dataclass(frozen=True)
class QueueSnapshot:
    """One learner's day in one bank, read in a single statement (see queue_snapshot)."""

    new_done: int
    reviews_done: int
    total_done: int
    learning_due_today: int
    reviews_due_today: int
    new_available: int
    learning_now_id: int | None
    review_id: int | None
    new_card_id: int | None
    new_card_state_id: int | None
    learn_ahead_id: int | None
    next_due: datetime | None


@lru_cache(maxsize=4)
def _snapshot_sql(with_topics: int) -> str:
    # The study loop's hot path is hand-written SQL: one statement instead of six ORM queries,
    # because building the ORM's SQL cost more than running it (bench/api_throughput.py).
    # Portable across SQLite and PostgreSQL; "NOT suspended AND NOT retired" repeats the partial
    # index's own predicate so both planners use state_due_by_learner_bank.
    state, card, log = CardState._meta.db_table, Card._meta.db_table, ReviewLog._meta.db_table
    links = Question.topics.through._meta.db_table
    marks = ", ".join(["%s"] * with_topics)
    state_topics = card_topics = ""
    if with_topics:
        state_topics = (
            f" AND EXISTS (SELECT 1 FROM {card} tc JOIN {links} qt ON qt.question_id"
            f" = tc.question_id WHERE tc.id = s.card_id AND qt.topic_id IN ({marks}))"
        )
        card_topics = (
            f" AND EXISTS (SELECT 1 FROM {links} qt WHERE qt.question_id ="
            f" c.question_id AND qt.topic_id IN ({marks}))"
        )
    active = (
        "s.learner_id = %s AND s.bank_id = %s AND NOT s.suspended AND NOT s.retired"
        " AND (s.buried_until IS NULL OR s.buried_until <= %s)" + state_topics
    )
    new_pool = (
        f"c.bank_id = %s AND c.retired_at IS NULL AND NOT EXISTS (SELECT 1 FROM {state}"
        " b WHERE b.card_id = c.id AND b.learner_id = %s AND (b.status > 0 OR b.suspended"
        " OR b.buried_until > %s))" + card_topics
    )
    learning = f"{int(CardStatus.LEARNING)}, {int(CardStatus.RELEARNING)}"
    review = int(CardStatus.REVIEW)
    return f"""
SELECT d.new_done, d.reviews_done, d.total_done,
 (SELECT COUNT(*) FROM {state} s WHERE {active} AND s.due < %s AND s.status IN ({learning})),
 (SELECT COUNT(*) FROM {state} s WHERE {active} AND s.due < %s AND s.status = {review}),
 (SELECT COUNT(*) FROM (SELECT c.id FROM {card} c WHERE {new_pool} LIMIT %s) n),
 (SELECT s.id FROM {state} s WHERE {active} AND s.due <= %s AND s.status IN ({learning})
   ORDER BY s.due, s.id LIMIT 1),
 (SELECT s.id FROM {state} s WHERE {active} AND s.due < %s AND s.status = {review}
   ORDER BY s.due, s.id LIMIT 1),
 (SELECT c.id FROM {card} c WHERE {new_pool} ORDER BY c.id LIMIT 1),
 (SELECT x.id FROM {state} x WHERE x.learner_id = %s AND x.card_id =
   (SELECT c.id FROM {card} c WHERE {new_pool} ORDER BY c.id LIMIT 1)),
 (SELECT s.id FROM {state} s WHERE {active} AND s.due <= %s AND s.status IN ({learning})
   ORDER BY s.due, s.id LIMIT 1),
 (SELECT MIN(s.due) FROM {state} s WHERE {active} AND s.due > %s)
FROM (SELECT
   COALESCE(SUM(CASE WHEN status_before = {int(CardStatus.NEW)} THEN 1 ELSE 0 END), 0) AS new_done,
   COALESCE(SUM(CASE WHEN status_before = {int(CardStatus.REVIEW)} THEN 1 ELSE 0 END), 0)
     AS reviews_done,
   COUNT(*) AS total_done
  FROM {log} WHERE learner_id = %s AND bank_id = %s AND reviewed_at >= %s AND reviewed_at < %s
   AND undone_at IS NULL) d
"""


def queue_snapshot(
    *,
    learner_id: int,
    bank_id: int,
    now: datetime,
    start: datetime,
    end: datetime,
    new_limit: int,
    topic_ids: list[int] | None = None,
) -> QueueSnapshot:
    """Counts of the learner's day and the next candidate of each queue, in one statement."""
    ops = connection.ops
    t_now, t_start, t_end = (ops.adapt_datetimefield_value(t) for t in (now, start, end))
    t_ahead = ops.adapt_datetimefield_value(learn_ahead_limit(now))
    topics = list(topic_ids or [])
    active = [learner_id, bank_id, t_now, *topics]
    new_pool = [bank_id, learner_id, t_now, *topics]
    params = [
        *active,
        t_end,
        *active,
        t_end,
        *new_pool,
        new_limit,
        *active,
        t_now,
        *active,
        t_end,
        *new_pool,
        learner_id,
        *new_pool,
        *active,
        t_ahead,
        *active,
        t_now,
        learner_id,
        bank_id,
        t_start,
        t_end,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_snapshot_sql(len(topics)), params)
        row = cursor.fetchone()
    next_due = row[11]
    if next_due is not None and not isinstance(next_due, datetime):
        next_due = datetime.fromisoformat(str(next_due))  # SQLite returns text
    if next_due is not None and next_due.tzinfo is None:
        next_due = next_due.replace(tzinfo=UTC)
    return QueueSnapshot(*(int(v) for v in row[:6]), *row[6:11], next_due=next_due)


def queue_context(
    *,
    learner: AbstractBaseUser,
    enrollment: Enrollment,
    now: datetime,
    topic_ids: list[int] | None = None,
) -> QueueContext:
    """The learner's day, what they did in it and what is left — one query (two without a
    cached profile)."""
    profile = learner_profile_get(learner=learner)
    start, end = learner_day(profile=profile, now=now)
    snap = queue_snapshot(
        learner_id=learner.pk,
        bank_id=enrollment.bank_id,
        now=now,
        start=start,
        end=end,
        # One past the limit: after a new card leaves the pool, min(pool - 1, limit) is exact.
        new_limit=enrollment.new_per_day + 1,
        topic_ids=topic_ids,
    )
    done = DoneToday(new=snap.new_done, reviews=snap.reviews_done, total=snap.total_done)
    new_left = max(0, enrollment.new_per_day - done.new)
    reviews_left = max(0, enrollment.reviews_per_day - done.reviews)
    counts = QueueCounts(
        new=min(snap.new_available, new_left),
        learning=snap.learning_due_today,
        review=min(snap.reviews_due_today, reviews_left),
    )
    return QueueContext(
        profile=profile,
        enrollment=enrollment,
        start=start,
        end=end,
        done=done,
        counts=counts,
        new_left=new_left,
        reviews_left=reviews_left,
        topic_ids=topic_ids or [],
        snapshot=snap,
    )


@dataclass(frozen=True)
class QueuedCard:
    """What decides whether a card counts in one of today's queues."""

    status: int
    due: datetime | None
    suspended: bool
    buried_until: datetime | None

    def active(self, now: datetime) -> bool:
        return not self.suspended and (self.buried_until is None or self.buried_until <= now)

    def due_in(self, statuses: tuple[int, ...], now: datetime, end: datetime) -> bool:
        return (
            self.active(now) and self.status in statuses and self.due is not None and self.due < end
        )


_LEARNING = (CardStatus.LEARNING, CardStatus.RELEARNING)
_REVIEW = (CardStatus.REVIEW,)


def counts_after_review(
    ctx: QueueContext, *, was: QueuedCard, now_is: QueuedCard, now: datetime
) -> QueueCounts:
    """Today's counts once one card moved from `was` to `now_is` by a review at `now`.

    `ctx` was read just before the review (without topics); the same rules as the snapshot's
    SQL decide where the card counted before and after, and the review is added to the tallies.
    """
    snap, end, enrollment = ctx.snapshot, ctx.end, ctx.enrollment
    done_new = ctx.done.new + int(was.status == CardStatus.NEW)
    done_reviews = ctx.done.reviews + int(was.status == CardStatus.REVIEW)

    def moved(statuses: tuple[int, ...]) -> int:
        return int(now_is.due_in(statuses, now, end)) - int(was.due_in(statuses, now, end))

    pool = snap.new_available - int(was.status == CardStatus.NEW and was.active(now))
    return QueueCounts(
        new=max(0, min(pool, enrollment.new_per_day - done_new)),
        learning=max(0, snap.learning_due_today + moved(_LEARNING)),
        review=max(
            0,
            min(snap.reviews_due_today + moved(_REVIEW), enrollment.reviews_per_day - done_reviews),
        ),
    )


def learn_ahead_limit(now: datetime) -> datetime:
    return now + timedelta(minutes=conf.get("LEARN_AHEAD_MINUTES"))
