"""Progress aggregates, computed in SQL: streak, reviews per day, retention, mastery, forecast.

Definitions (shared by the API and the progress page):
- a *learner day* starts at the learner's `day_start_hour` in their time zone;
- streak: consecutive learner days with at least one live review, ending today or yesterday;
- retention: share of live reviews of cards in review state that were not Again;
- mastery of a topic: share of its active cards whose retrievability now is at least the
  learner's desired retention.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import NotSupportedError
from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Floor, Trunc

from quizzes import scheduling
from quizzes.models import (
    Bank,
    Card,
    CardState,
    CardStatus,
    Enrollment,
    LearnerProfile,
    Rating,
    ReviewLog,
    Topic,
)
from quizzes.selectors import learner_profile_get, scheduler_config

MAX_DAYS = 365
STREAK_FIRST_WINDOW = 32


# --- SQL expressions ----------------------------------------------------------------------------


class LearnerDate(Func):
    """The learner's calendar date of a timestamp: local wall-clock time minus the rollover hour.

    The hour is subtracted from the *local* time (not from UTC before converting), so that days
    stay right across daylight-saving changes.
    """

    output_field = DateField()

    def __init__(self, expression: Any, *, tz_name: str, day_start_hour: int) -> None:
        self.day_start_hour = int(day_start_hour)  # an int from the profile: safe to inline
        local = Trunc(
            expression, "second", output_field=DateTimeField(), tzinfo=scheduling.zone(tz_name)
        )
        super().__init__(local)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        raise NotSupportedError("LearnerDate supports SQLite and PostgreSQL")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = f"date(%(expressions)s, '-{self.day_start_hour} hours')"
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = f"CAST((%(expressions)s) - INTERVAL '{self.day_start_hour} hours' AS date)"
        return super().as_sql(compiler, connection, template=template, **extra)


class DaysSince(Func):
    """Days (fractional) from a timestamp column to a given instant."""

    output_field = FloatField()

    def __init__(self, expression: Any, *, now: datetime) -> None:
        super().__init__(Value(now, output_field=DateTimeField()), expression)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        raise NotSupportedError("DaysSince supports SQLite and PostgreSQL")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "(julianday(%(expressions)s))"
        return super().as_sql(
            compiler, connection, template=template, arg_joiner=") - julianday(", **extra
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)"
        return super().as_sql(compiler, connection, template=template, arg_joiner=" - ", **extra)


def days_until_retention(config: scheduling.Config) -> float:
    """Whole days after a review until retrievability falls below the desired retention, per
    day of stability: R(t) = (1 + F·t/S)^D >= r  <=>  t <= S·(r^(1/D) − 1)/F.

    The inverse of FSRS's forgetting curve (scheduling.retrievability), so mastery can be
    decided in SQL; tests check the two agree.
    """
    parameters = tuple(config.parameters) or scheduling.DEFAULT_PARAMETERS
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return (config.desired_retention ** (1 / decay) - 1) / factor


def mastered_q(*, config: scheduling.Config) -> Q:
    """CardState rows (annotated by with_days_since_review) whose retrievability now is at
    least the desired retention. FSRS counts whole elapsed days, hence the floor there."""
    horizon = days_until_retention(config)
    return Q(
        status__gt=CardStatus.NEW,
        stability__isnull=False,
        last_review__isnull=False,
        days_since_review__lte=F("stability") * horizon,
    )


def with_days_since_review(states: QuerySet[CardState], *, now: datetime) -> QuerySet[CardState]:
    return states.annotate(days_since_review=Floor(DaysSince("last_review", now=now)))


# --- one learner --------------------------------------------------------------------------------


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


def topic_mastery(
    *,
    learner: AbstractBaseUser,
    now: datetime,
    config: scheduling.Config,
    bank_ids: Sequence[int],
) -> list[TopicMastery]:
    """Per topic of the given banks: active cards, and how many the learner has mastered."""
    totals = dict(
        Card.objects.filter(bank_id__in=bank_ids, retired_at__isnull=True)
        .filter(question__topics__isnull=False)
        .values("question__topics")
        .annotate(n=Count("id", distinct=True))
        .values_list("question__topics", "n")
    )
    states = with_days_since_review(
        CardState.objects.filter(
            learner=learner, bank_id__in=bank_ids, retired=False, card__retired_at__isnull=True
        ),
        now=now,
    )
    mastered = dict(
        states.filter(mastered_q(config=config))
        .filter(card__question__topics__isnull=False)
        .values("card__question__topics")
        .annotate(n=Count("card_id", distinct=True))
        .values_list("card__question__topics", "n")
    )
    topics = Topic.objects.filter(bank_id__in=bank_ids).order_by("bank__slug", "slug")
    return [
        TopicMastery(
            bank=bank_slug,
            topic=slug,
            title=title,
            cards=totals.get(pk, 0),
            mastered=mastered.get(pk, 0),
        )
        for pk, bank_slug, slug, title in topics.values_list("pk", "bank__slug", "slug", "title")
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


# --- a bank's cohort ----------------------------------------------------------------------------


def _count(queryset: QuerySet[Any]) -> Any:
    """A correlated COUNT(*) subquery (0 when there are no rows)."""
    counted = queryset.order_by().values("learner_id").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def bank_cohort_progress(*, bank: Bank, now: datetime, days: int = 30) -> QuerySet[Enrollment]:
    """Every enrolment of a bank, annotated with its learner's progress there (one query)."""
    return cohort_progress(Enrollment.objects.filter(bank=bank), now=now, days=days)


def cohort_progress(
    enrollments: QuerySet[Enrollment], *, now: datetime, days: int = 30
) -> QuerySet[Enrollment]:
    """Enrolments annotated with each learner's progress in that enrolment's bank (one query)."""
    logs = ReviewLog.objects.filter(
        learner_id=OuterRef("learner_id"), bank_id=OuterRef("bank_id"), undone_at__isnull=True
    )
    states = CardState.objects.filter(
        learner_id=OuterRef("learner_id"), bank_id=OuterRef("bank_id")
    )
    since = now - timedelta(days=days)
    return enrollments.select_related("learner", "bank").annotate(
        reviews=_count(logs),
        reviews_recent=_count(logs.filter(reviewed_at__gte=since)),
        graded=_count(logs.filter(correct__isnull=False)),
        correct=_count(logs.filter(correct=True)),
        review_reviews=_count(logs.filter(status_before=CardStatus.REVIEW)),
        review_passed=_count(
            logs.filter(status_before=CardStatus.REVIEW).exclude(rating=Rating.AGAIN)
        ),
        last_review_at=Subquery(
            logs.order_by().values("learner_id").annotate(m=Max("reviewed_at")).values("m"),
            output_field=DateTimeField(),
        ),
        cards_started=_count(states.filter(status__gt=CardStatus.NEW)),
        cards_learned=_count(states.filter(status=CardStatus.REVIEW)),
        due_now=_count(
            states.filter(suspended=False, retired=False, due__lte=now).exclude(
                buried_until__gt=now
            )
        ),
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
