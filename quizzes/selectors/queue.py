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
    learn_ahead_id: int | None
    next_due: datetime | None


@dataclass(frozen=True)
class SiblingRules:
    """How the cards of one question (a cloze's deletions) share a learner's day, as in Anki."""

    bury_new: bool = True  # a new sibling waits for tomorrow once one card was reviewed today
    bury_review: bool = False  # likewise a review sibling due today

    @classmethod
    def of(cls, profile: LearnerProfile) -> SiblingRules:
        return cls(bury_new=profile.bury_new_siblings, bury_review=profile.bury_review_siblings)


@lru_cache(maxsize=16)
def _snapshot_sql(with_topics: int, rules: SiblingRules) -> str:
    # The study loop's hot path is hand-written SQL: one statement instead of six ORM queries,
    # because building the ORM's SQL cost more than running it (bench/api_throughput.py).
    # Portable across SQLite and PostgreSQL; "NOT suspended AND NOT retired" repeats the partial
    # index's own predicate so both planners use state_due_by_learner_bank.
    state, card, log = CardState._meta.db_table, Card._meta.db_table, ReviewLog._meta.db_table
    links = Question.topics.through._meta.db_table
    marks = ", ".join(f"%(t{n})s" for n in range(with_topics))
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

    def sibling_reviewed_today(question: str, own: str) -> str:
        # One seek per sibling (log_by_learner_card_time); a question of one card has none.
        return (
            f"EXISTS (SELECT 1 FROM {card} sib JOIN {log} bl ON bl.card_id = sib.id"
            f" WHERE sib.question_id = {question} AND sib.id <> {own}"
            " AND bl.learner_id = %(learner)s AND bl.reviewed_at >= %(start)s"
            " AND bl.undone_at IS NULL)"
        )

    active = (
        "s.learner_id = %(learner)s AND s.bank_id = %(bank)s AND NOT s.suspended"
        " AND NOT s.retired AND (s.buried_until IS NULL OR s.buried_until <= %(now)s)"
        + state_topics
    )
    review = f"s.status = {int(CardStatus.REVIEW)} AND s.due < %(end)s"
    if rules.bury_review:
        own_question = f"(SELECT oc.question_id FROM {card} oc WHERE oc.id = s.card_id)"
        review += " AND NOT " + sibling_reviewed_today(own_question, "s.card_id")
    new_pool = (
        f"c.bank_id = %(bank)s AND c.retired_at IS NULL AND NOT EXISTS (SELECT 1 FROM {state}"
        " b WHERE b.card_id = c.id AND b.learner_id = %(learner)s AND (b.status > 0 OR"
        " b.suspended OR b.buried_until > %(now)s))" + card_topics
    )
    if rules.bury_new:
        new_pool += " AND NOT " + sibling_reviewed_today("c.question_id", "c.id")
    # Siblings are never shown one right after another while another card is left: the card of
    # the question reviewed last today is picked only when nothing else is.
    recent = "(SELECT question_id FROM recent)"
    spaced_review = (
        f" AND NOT EXISTS (SELECT 1 FROM {card} rc WHERE rc.id = s.card_id"
        f" AND rc.question_id IN {recent})"
    )
    review_pick = (
        f"SELECT s.id FROM {state} s WHERE {active} AND {review}{{spacing}}"
        " ORDER BY s.due, s.id LIMIT 1"
    )
    new_pick = f"SELECT c.id FROM {card} c WHERE {new_pool}{{spacing}} ORDER BY c.id LIMIT 1"
    new_choice = f"({new_pick.format(spacing='')})"
    if not rules.bury_new:  # with burying on, no new sibling of a question studied today is left
        spaced_new = f" AND c.question_id NOT IN {recent}"
        new_choice = f"COALESCE(({new_pick.format(spacing=spaced_new)}), {new_choice})"
    learning = f"s.status IN ({int(CardStatus.LEARNING)}, {int(CardStatus.RELEARNING)})"
    return f"""
WITH recent AS (SELECT lc.question_id FROM {log} l JOIN {card} lc ON lc.id = l.card_id
  WHERE l.learner_id = %(learner)s AND l.bank_id = %(bank)s AND l.reviewed_at >= %(start)s
   AND l.reviewed_at < %(end)s AND l.undone_at IS NULL
  ORDER BY l.reviewed_at DESC, l.id DESC LIMIT 1)
SELECT d.new_done, d.reviews_done, d.total_done,
 (SELECT COUNT(*) FROM {state} s WHERE {active} AND s.due < %(end)s AND {learning}),
 (SELECT COUNT(*) FROM {state} s WHERE {active} AND {review}),
 (SELECT COUNT(*) FROM (SELECT c.id FROM {card} c WHERE {new_pool} LIMIT %(new_limit)s) n),
 (SELECT s.id FROM {state} s WHERE {active} AND s.due <= %(now)s AND {learning}
   ORDER BY s.due, s.id LIMIT 1),
 COALESCE(({review_pick.format(spacing=spaced_review)}), ({review_pick.format(spacing="")})),
 {new_choice},
 (SELECT s.id FROM {state} s WHERE {active} AND s.due <= %(ahead)s AND {learning}
   ORDER BY s.due, s.id LIMIT 1),
 (SELECT MIN(s.due) FROM {state} s WHERE {active} AND s.due > %(now)s)
FROM (SELECT
   COALESCE(SUM(CASE WHEN status_before = {int(CardStatus.NEW)} THEN 1 ELSE 0 END), 0) AS new_done,
   COALESCE(SUM(CASE WHEN status_before = {int(CardStatus.REVIEW)} THEN 1 ELSE 0 END), 0)
     AS reviews_done,
   COUNT(*) AS total_done
  FROM {log} WHERE learner_id = %(learner)s AND bank_id = %(bank)s AND reviewed_at >= %(start)s
   AND reviewed_at < %(end)s AND undone_at IS NULL) d
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
    rules: SiblingRules = SiblingRules(),  # noqa: B008 - frozen, so a safe default
) -> QueueSnapshot:
    """Counts of the learner's day and the next candidate of each queue, in one statement."""
    ops = connection.ops
    topics = list(topic_ids or [])
    params = {
        "learner": learner_id,
        "bank": bank_id,
        "now": ops.adapt_datetimefield_value(now),
        "start": ops.adapt_datetimefield_value(start),
        "end": ops.adapt_datetimefield_value(end),
        "ahead": ops.adapt_datetimefield_value(learn_ahead_limit(now)),
        "new_limit": new_limit,
        **{f"t{n}": topic for n, topic in enumerate(topics)},
    }
    with connection.cursor() as cursor:
        cursor.execute(_snapshot_sql(len(topics), rules), params)
        row = cursor.fetchone()
    next_due = row[10]
    if next_due is not None and not isinstance(next_due, datetime):
        next_due = datetime.fromisoformat(str(next_due))  # SQLite returns text
    if next_due is not None and next_due.tzinfo is None:
        next_due = next_due.replace(tzinfo=UTC)
    return QueueSnapshot(*(int(v) for v in row[:6]), *row[6:10], next_due=next_due)


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
        rules=SiblingRules.of(profile),
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
