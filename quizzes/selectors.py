"""Reads shared by the pages, the API and the CLI. No writes here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from quizzes import conf, scheduling
from quizzes.models import (
    Bank,
    Card,
    CardState,
    CardStatus,
    Enrollment,
    LearnerProfile,
    ReviewLog,
    Topic,
)


def learner_profile_get(*, learner: AbstractBaseUser) -> LearnerProfile:
    """The learner's profile, created with defaults on first use."""
    try:
        return learner.learner_profile  # type: ignore[attr-defined]
    except LearnerProfile.DoesNotExist:
        profile, _ = LearnerProfile.objects.get_or_create(user=learner)
        return profile


def scheduler_config(profile: LearnerProfile) -> scheduling.Config:
    return scheduling.Config(
        desired_retention=profile.desired_retention,
        parameters=tuple(profile.fsrs_parameters or ()),
        maximum_interval=conf.get("MAXIMUM_INTERVAL_DAYS"),
        enable_fuzzing=conf.get("ENABLE_FUZZING"),
    )


def learner_day(*, profile: LearnerProfile, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the learner's current day."""
    return scheduling.day_bounds(
        now, tz_name=profile.timezone, day_start_hour=profile.day_start_hour
    )


def schedule_of(state: CardState | None) -> scheduling.Schedule:
    if state is None:
        return scheduling.Schedule()
    return scheduling.Schedule(
        status=state.status,
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
        reps=state.reps,
        lapses=state.lapses,
    )


def topic_ids_with_descendants(*, bank: Bank, slugs: list[str]) -> list[int]:
    """Ids of the named topics and every topic below them (by the slug path convention)."""
    if not slugs:
        return []
    query = Q()
    for slug in slugs:
        query |= Q(slug=slug) | Q(slug__startswith=f"{slug}/")
    return list(Topic.objects.filter(query, bank=bank).values_list("id", flat=True))


def active_states(*, learner: AbstractBaseUser, bank: Bank, now: datetime) -> QuerySet[CardState]:
    """States the learner can study now: not suspended, retired or buried."""
    return CardState.objects.filter(
        learner=learner, bank=bank, suspended=False, retired=False
    ).exclude(buried_until__gt=now)


def new_cards(
    *, learner: AbstractBaseUser, bank: Bank, now: datetime, topic_ids: list[int] | None = None
) -> QuerySet[Card]:
    """Active cards of the bank the learner has not started (and has not suspended or buried)."""
    blocking = CardState.objects.filter(learner=learner, card=OuterRef("pk")).filter(
        Q(status__gt=CardStatus.NEW) | Q(suspended=True) | Q(buried_until__gt=now)
    )
    cards = Card.objects.filter(bank=bank, retired_at__isnull=True).filter(~Exists(blocking))
    if topic_ids:
        cards = cards.filter(question__topics__in=topic_ids).distinct()
    return cards.order_by("id")


@dataclass(frozen=True)
class DoneToday:
    new: int
    reviews: int
    total: int


def done_today(
    *, learner: AbstractBaseUser, bank: Bank, start: datetime, end: datetime
) -> DoneToday:
    """Live (not undone) reviews in the learner's day: new cards introduced, reviews done."""
    counts = ReviewLog.objects.filter(
        learner=learner,
        bank=bank,
        reviewed_at__gte=start,
        reviewed_at__lt=end,
        undone_at__isnull=True,
    ).aggregate(
        new=Count("id", filter=Q(status_before=CardStatus.NEW)),
        reviews=Count("id", filter=Q(status_before=CardStatus.REVIEW)),
        total=Count("id"),
    )
    return DoneToday(new=counts["new"], reviews=counts["reviews"], total=counts["total"])


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


def queue_context(
    *,
    learner: AbstractBaseUser,
    enrollment: Enrollment,
    now: datetime,
    topic_ids: list[int] | None = None,
) -> QueueContext:
    """The learner's day, what they did in it and what is left — a fixed number of queries."""
    profile = learner_profile_get(learner=learner)
    bank = enrollment.bank
    start, end = learner_day(profile=profile, now=now)
    done = done_today(learner=learner, bank=bank, start=start, end=end)
    new_left = max(0, enrollment.new_per_day - done.new)
    reviews_left = max(0, enrollment.reviews_per_day - done.reviews)
    states = active_states(learner=learner, bank=bank, now=now).filter(due__lt=end)
    if topic_ids:
        states = states.filter(card__question__topics__in=topic_ids).distinct()
    due = states.aggregate(
        learning=Count("id", filter=Q(status__in=[CardStatus.LEARNING, CardStatus.RELEARNING])),
        review=Count("id", filter=Q(status=CardStatus.REVIEW)),
    )
    # Counting stops at the limit: the cost is bounded by today's limit, not the bank's size.
    new_available = (
        new_cards(learner=learner, bank=bank, now=now, topic_ids=topic_ids)[:new_left].count()
        if new_left
        else 0
    )
    counts = QueueCounts(
        new=new_available, learning=due["learning"], review=min(due["review"], reviews_left)
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
    )


def next_due_after(*, learner: AbstractBaseUser, bank: Bank, now: datetime) -> datetime | None:
    """When the learner's next card in this bank falls due (for "nothing due now")."""
    state = (
        active_states(learner=learner, bank=bank, now=now)
        .filter(due__isnull=False, due__gt=now)
        .order_by("due")
        .values_list("due", flat=True)
        .first()
    )
    return state


def learn_ahead_limit(now: datetime) -> datetime:
    return now + timedelta(minutes=conf.get("LEARN_AHEAD_MINUTES"))
