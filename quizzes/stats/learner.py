"""One learner's progress: streak, reviews per day, retention, mastery, forecast (in SQL)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Concat

from quizzes import scheduling
from quizzes.models import (
    Bank,
    Card,
    CardState,
    CardStatus,
    LearnerProfile,
    Rating,
    ReviewLog,
    Topic,
)
from quizzes.selectors import learner_profile_get, scheduler_config
from quizzes.stats.expressions import LearnerDate, mastered_q, with_days_since_review

MAX_DAYS = 365
STREAK_FIRST_WINDOW = 32


@dataclass(frozen=True)
class DayCount:
    day: date
    reviews: int
    again: int = 0


@dataclass(frozen=True)
class Retention:
    reviews: int
    passed: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.reviews if self.reviews else None


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


def _live_logs(learner: AbstractBaseUser, bank_ids: Sequence[int] | None) -> QuerySet[ReviewLog]:
    logs = ReviewLog.objects.filter(learner=learner, undone_at__isnull=True)
    return logs if bank_ids is None else logs.filter(bank_id__in=bank_ids)


def _day(profile: LearnerProfile, field: str) -> LearnerDate:
    return LearnerDate(field, tz_name=profile.timezone, day_start_hour=profile.day_start_hour)


def _day_start(profile: LearnerProfile, day: date) -> datetime:
    return scheduling.date_bounds(
        day, tz_name=profile.timezone, day_start_hour=profile.day_start_hour
    )[0]


def learner_today(*, profile: LearnerProfile, now: datetime) -> date:
    return scheduling.learner_date(
        now, tz_name=profile.timezone, day_start_hour=profile.day_start_hour
    )


def streak(
    *,
    learner: AbstractBaseUser,
    profile: LearnerProfile,
    now: datetime,
    bank_ids: Sequence[int] | None = None,
) -> int:
    """Consecutive learner days with a review, ending today (or yesterday, if none yet today).

    Looks back over a window that doubles only while the streak fills it, so the usual cost is
    one query over the last few weeks, not the learner's whole history.
    """
    today = learner_today(profile=profile, now=now)
    window = STREAK_FIRST_WINDOW
    while True:
        since = _day_start(profile, today - timedelta(days=window - 1))
        days = set(
            _live_logs(learner, bank_ids)
            .filter(reviewed_at__gte=since, reviewed_at__lte=now)
            .annotate(day=_day(profile, "reviewed_at"))
            .values_list("day", flat=True)
            .distinct()
        )
        cursor = today if today in days else today - timedelta(days=1)
        count = 0
        while cursor in days:
            count += 1
            cursor -= timedelta(days=1)
        if count < window - 1 or window >= 100 * MAX_DAYS:
            return count
        window *= 4


def reviews_per_day(
    *,
    learner: AbstractBaseUser,
    profile: LearnerProfile,
    now: datetime,
    days: int,
    bank_ids: Sequence[int] | None = None,
) -> list[DayCount]:
    """Live reviews (and how many were Again) on each of the last `days` learner days."""
    today = learner_today(profile=profile, now=now)
    first = today - timedelta(days=days - 1)
    rows = (
        _live_logs(learner, bank_ids)
        .filter(reviewed_at__gte=_day_start(profile, first), reviewed_at__lte=now)
        .annotate(day=_day(profile, "reviewed_at"))
        .values("day")
        .annotate(reviews=Count("id"), again=Count("id", filter=Q(rating=Rating.AGAIN)))
        .order_by("day")
    )
    found = {row["day"]: row for row in rows}
    out = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        row = found.get(day, {"reviews": 0, "again": 0})
        out.append(DayCount(day, row["reviews"], row["again"]))
    return out


def retention(
    *,
    learner: AbstractBaseUser,
    since: datetime | None,
    bank_ids: Sequence[int] | None = None,
) -> Retention:
    """Share of reviews of cards in review state that were not Again (since `since`)."""
    logs = _live_logs(learner, bank_ids).filter(status_before=CardStatus.REVIEW)
    if since is not None:
        logs = logs.filter(reviewed_at__gte=since)
    counts = logs.aggregate(reviews=Count("id"), passed=Count("id", filter=~Q(rating=Rating.AGAIN)))
    return Retention(reviews=counts["reviews"], passed=counts["passed"])


def _in_subtree(topics: str) -> Q:
    """Rows whose `topics` relation holds the outer topic or a topic below it (the slug path
    convention of topic_ids_with_descendants: "commands/modprobe" is below "commands")."""
    return Q(**{f"{topics}__slug": OuterRef("slug")}) | Q(
        **{f"{topics}__slug__startswith": Concat(OuterRef("slug"), Value("/"))}
    )


def _distinct(queryset: QuerySet[Any], field: str) -> Any:
    """A correlated COUNT(DISTINCT field) subquery (0 when there are no rows)."""
    counted = (
        queryset.order_by().values("bank_id").annotate(n=Count(field, distinct=True)).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


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
    cards = Card.objects.filter(bank_id=OuterRef("bank_id"), retired_at__isnull=True).filter(
        _in_subtree("question__topics")
    )
    states = with_days_since_review(
        CardState.objects.filter(
            learner=learner,
            bank_id=OuterRef("bank_id"),
            retired=False,
            card__retired_at__isnull=True,
        ),
        now=now,
    )
    mastered = states.filter(mastered_q(config=config)).filter(
        _in_subtree("card__question__topics")
    )
    topics = (
        Topic.objects.filter(bank_id__in=bank_ids)
        .annotate(n_cards=_distinct(cards, "id"), n_mastered=_distinct(mastered, "card_id"))
        .order_by("bank__slug", "slug")
    )
    return [
        TopicMastery(bank=bank_slug, topic=slug, title=title, cards=total, mastered=done)
        for bank_slug, slug, title, total, done in topics.values_list(
            "bank__slug", "slug", "title", "n_cards", "n_mastered"
        )
    ]


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
    window_start = _day_start(profile, today - timedelta(days=days - 1))
    return Progress(
        today=today,
        streak=streak(learner=learner, profile=profile, now=now, bank_ids=bank_ids),
        reviews_per_day=reviews_per_day(
            learner=learner, profile=profile, now=now, days=days, bank_ids=bank_ids
        ),
        retention=retention(learner=learner, since=window_start, bank_ids=bank_ids),
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
    ).filter(mastered_q(config=config))
    return Mastery(
        cards=cards.values("pk").distinct().count(),
        mastered=states.values("card_id").distinct().count(),
    )
