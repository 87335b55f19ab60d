"""One learner's progress: streak, reviews per day, retention, mastery, forecast (in SQL)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Count,
)

from quizzes import scheduling
from quizzes.models import (
    Bank,
    Card,
    CardState,
    CardStatus,
    LearnerProfile,
    Topic,
)
from quizzes.selectors import learner_profile_get, scheduler_config
from quizzes.stats import history
from quizzes.stats.expressions import (
    LearnerDate,
    MasteryRule,
    mastered_q,
    with_days_since_review,
)
from quizzes.stats.history import DayCount, Retention, learner_today


@dataclass(frozen=True)
class TopicMastery:
    bank: str
    topic: str
    title: str
    cards: int
    mastered: int

    @property
    def share(self) -> float:
        return self.mastered / self.cards if self.cards else 0.0


@dataclass(frozen=True)
class Progress:
    today: date
    streak: int
    reviews_per_day: list[DayCount]
    retention: Retention
    mastery: list[TopicMastery]
    forecast: list[DayCount]
    desired_retention: float


def _day(profile: LearnerProfile, field: str) -> LearnerDate:
    return LearnerDate(field, tz_name=profile.timezone, day_start_hour=profile.day_start_hour)


def _day_start(profile: LearnerProfile, day: date) -> datetime:
    return scheduling.date_bounds(
        day, tz_name=profile.timezone, day_start_hour=profile.day_start_hour
    )[0]


def topic_mastery(
    *,
    learner: AbstractBaseUser,
    now: datetime,
    config: scheduling.Config,
    bank_ids: Sequence[int],
) -> list[TopicMastery]:
    """Per topic of the given banks: active cards, and how many the learner has mastered.

    A topic rolls up its subtopics: it counts every card of its subtree once, so a parent cannot
    show 100% while a child shows less.
    """
    topics = Topic.objects.filter(bank_id__in=bank_ids).order_by("bank__slug", "slug")
    totals = _cards_by_topic(bank_ids=bank_ids)
    mastered = _mastered_by_topic(learner=learner, now=now, config=config, bank_ids=bank_ids)
    return [
        TopicMastery(
            bank=bank_slug,
            topic=slug,
            title=title,
            cards=len(totals.get((bank_id, slug), ())),
            mastered=len(mastered.get((bank_id, slug), ())),
        )
        for bank_id, bank_slug, slug, title in topics.values_list(
            "bank_id", "bank__slug", "slug", "title"
        )
    ]


def _subtree_keys(bank_id: int, slug: str) -> list[tuple[int, str]]:
    """The (bank, topic slug) keys a card tagged `slug` counts under: the topic and its
    ancestors by the slug path convention (`commands/modprobe` counts under `commands`)."""
    parts = slug.split("/")
    return [(bank_id, "/".join(parts[:depth])) for depth in range(1, len(parts) + 1)]


def _cards_by_topic(*, bank_ids: Sequence[int]) -> dict[tuple[int, str], set[int]]:
    """The active cards under each (bank, topic slug), a topic counting its subtree once: one
    flat query of (card, topic) pairs rolled up here (a correlated count per topic costs
    topics × cards on a bank with hundreds of topics)."""
    rows = Card.objects.filter(
        bank_id__in=bank_ids, retired_at__isnull=True, question__topics__isnull=False
    ).values_list("pk", "bank_id", "question__topics__slug")
    out: dict[tuple[int, str], set[int]] = {}
    for card_id, bank_id, slug in rows:
        for key in _subtree_keys(bank_id, slug):
            out.setdefault(key, set()).add(card_id)
    return out


def _mastered_by_topic(
    *,
    learner: AbstractBaseUser,
    now: datetime,
    config: scheduling.Config,
    bank_ids: Sequence[int],
) -> dict[tuple[int, str], set[int]]:
    """The learner's mastered cards under each (bank, topic slug), a topic counting its subtree.

    Decided in Python, one row per (card, topic) of the learner's started cards: the rule is
    the scheduler's own (scheduling.elapsed_days against the stability's horizon), and counting
    learner days in SQL would cost a time-zone conversion per row and per topic on SQLite.
    """
    rule = MasteryRule.of(config)
    rows = CardState.objects.filter(
        learner=learner,
        bank_id__in=bank_ids,
        retired=False,
        card__retired_at__isnull=True,
        status__gt=CardStatus.NEW,
        stability__isnull=False,
        last_review__isnull=False,
        card__question__topics__isnull=False,
    ).values_list("card_id", "bank_id", "stability", "last_review", "card__question__topics__slug")
    known: dict[int, bool] = {}
    out: dict[tuple[int, str], set[int]] = {}
    for card_id, bank_id, stability, last_review, slug in rows:
        if card_id not in known:
            known[card_id] = rule.holds(stability=stability, last_review=last_review, now=now)
        if known[card_id]:
            for key in _subtree_keys(bank_id, slug):
                out.setdefault(key, set()).add(card_id)
    return out


def due_forecast(
    *,
    learner: AbstractBaseUser,
    profile: LearnerProfile,
    now: datetime,
    days: int,
    bank_ids: Sequence[int] | None = None,
) -> list[DayCount]:
    """Cards falling due on each of the next `days` learner days; overdue ones count today."""
    today = learner_today(profile=profile, now=now)
    end = _day_start(profile, today + timedelta(days=days))
    states = CardState.objects.filter(
        learner=learner, suspended=False, retired=False, due__isnull=False, due__lt=end
    )
    if bank_ids is not None:
        states = states.filter(bank_id__in=bank_ids)
    rows = (
        states.annotate(day=_day(profile, "due"))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    found: dict[date, int] = {}
    for day, n in rows:
        key = max(day, today)
        found[key] = found.get(key, 0) + n
    return [
        DayCount(today + timedelta(days=i), found.get(today + timedelta(days=i), 0))
        for i in range(days)
    ]


def learner_progress(
    *,
    learner: AbstractBaseUser,
    now: datetime,
    bank_ids: Sequence[int],
    days: int = 30,
    forecast_days: int = 30,
) -> Progress:
    """Everything the progress views show, for the given banks, in a fixed number of queries."""
    profile = learner_profile_get(learner=learner)
    config = scheduler_config(profile)
    today = learner_today(profile=profile, now=now)
    return Progress(
        today=today,
        streak=history.streak(learner=learner, profile=profile, now=now, bank_ids=bank_ids),
        reviews_per_day=history.reviews_per_day(
            learner=learner, profile=profile, now=now, days=days, bank_ids=bank_ids
        ),
        retention=history.retention(
            learner=learner, since=today - timedelta(days=days - 1), bank_ids=bank_ids
        ),
        mastery=topic_mastery(learner=learner, now=now, config=config, bank_ids=bank_ids),
        forecast=due_forecast(
            learner=learner, profile=profile, now=now, days=forecast_days, bank_ids=bank_ids
        ),
        desired_retention=profile.desired_retention,
    )


@dataclass(frozen=True)
class Mastery:
    cards: int
    mastered: int

    @property
    def share(self) -> float:
        return self.mastered / self.cards if self.cards else 0.0


def mastery(
    *, learner: AbstractBaseUser, bank: Bank, now: datetime, topic_ids: Sequence[int] = ()
) -> Mastery:
    """The learner's mastery of a bank, or of some of its topics: of its active cards (of those
    topics), how many have a retrievability now at least the learner's desired retention, the
    same rule as topic_mastery (two queries)."""
    config = scheduler_config(learner_profile_get(learner=learner))
    cards = Card.objects.filter(bank=bank, retired_at__isnull=True)
    if topic_ids:
        cards = cards.filter(question__topics__in=topic_ids)
    states = with_days_since_review(
        CardState.objects.filter(learner=learner, bank=bank, retired=False, card__in=cards),
        now=now,
        config=config,
    ).filter(mastered_q(config=config))
    return Mastery(
        cards=cards.values("pk").distinct().count(),
        mastered=states.values("card_id").distinct().count(),
    )
