"""Figures that grow with a learner's history — the streak, reviews per day (the heatmap),
retention over a window and per week — read from the per-learner-day sums (DailyStat), never
from a scan of the review log. Each is one query over at most a few hundred rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet, Sum

from quizzes import scheduling
from quizzes.models import DailyStat, LearnerProfile

MAX_DAYS = 365


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
class WeekRetention:
    start: date  # the Monday (learner day) the week starts on
    reviews: int
    passed: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.reviews if self.reviews else None


def learner_today(*, profile: LearnerProfile, now: datetime) -> date:
    return scheduling.learner_date(
        now, tz_name=profile.timezone, day_start_hour=profile.day_start_hour
    )


def _days(learner: AbstractBaseUser, bank_ids: Sequence[int] | None) -> QuerySet[DailyStat]:
    rows = DailyStat.objects.filter(learner=learner, reviews__gt=0)
    return rows if bank_ids is None else rows.filter(bank_id__in=bank_ids)


class _Run:
    """A streak counted from days fed newest first: consecutive learner days ending today, or
    yesterday when there is none yet today; closed at the first gap."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.count = 0
        self.last: date | None = None
        self.open = True

    def feed(self, day: date) -> None:
        if not self.open or day == self.last:
            return
        if self.last is None:
            self.open = day >= self.today - timedelta(days=1)
        else:
            self.open = day == self.last - timedelta(days=1)
        if self.open:
            self.count += 1
            self.last = day


def streaks(
    *,
    learner: AbstractBaseUser,
    profile: LearnerProfile,
    now: datetime,
    bank_ids: Sequence[int],
) -> tuple[int, dict[int, int]]:
    """The streak over the given banks, and each bank's own (see `streak`). One query, newest
    day first, read only as far back as the longest of them reaches."""
    today = learner_today(profile=profile, now=now)
    overall = _Run(today)
    runs = {pk: _Run(today) for pk in bank_ids}
    rows = _days(learner, bank_ids).filter(day__lte=today).order_by("-day", "bank_id")
    for day, bank_id in rows.values_list("day", "bank_id").iterator(chunk_size=64):
        overall.feed(day)
        runs[bank_id].feed(day)
        if not overall.open and not any(run.open for run in runs.values()):
            break
    return overall.count, {pk: run.count for pk, run in runs.items()}


def streak(
    *,
    learner: AbstractBaseUser,
    profile: LearnerProfile,
    now: datetime,
    bank_ids: Sequence[int] | None = None,
) -> int:
    """Consecutive learner days with a review, ending today (or yesterday, if none yet today),
    over the given banks (all by default). One query, read back only as far as the streak."""
    run = _Run(learner_today(profile=profile, now=now))
    days = _days(learner, bank_ids).filter(day__lte=run.today).order_by("-day")
    for day in days.values_list("day", flat=True).iterator(chunk_size=64):
        run.feed(day)
        if not run.open:
            break
    return run.count


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
        _days(learner, bank_ids)
        .filter(day__gte=first, day__lte=today)
        .values("day")
        .annotate(n=Sum("reviews"), a=Sum("again"))
        .values_list("day", "n", "a")
    )
    found = {day: (n, a) for day, n, a in rows}
    return [
        DayCount(day, *found.get(day, (0, 0)))
        for day in (first + timedelta(days=offset) for offset in range(days))
    ]


def retention(
    *,
    learner: AbstractBaseUser,
    since: date | None,
    bank_ids: Sequence[int] | None = None,
) -> Retention:
    """Share of reviews of cards in review state that were not Again, since the learner day
    `since` (all time when None)."""
    rows = _days(learner, bank_ids)
    if since is not None:
        rows = rows.filter(day__gte=since)
    sums = rows.aggregate(reviews=Sum("review"), again=Sum("review_again"))
    reviews = sums["reviews"] or 0
    return Retention(reviews=reviews, passed=reviews - (sums["again"] or 0))


def retention_per_week(
    *,
    learner: AbstractBaseUser,
    profile: LearnerProfile,
    now: datetime,
    weeks: int,
    bank_ids: Sequence[int] | None = None,
) -> list[WeekRetention]:
    """Retention in each of the last `weeks` weeks (Monday to Sunday, the current one last)."""
    today = learner_today(profile=profile, now=now)
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    rows = (
        _days(learner, bank_ids)
        .filter(day__gte=first, day__lte=today, review__gt=0)
        .values("day")
        .annotate(n=Sum("review"), a=Sum("review_again"))
        .values_list("day", "n", "a")
    )
    totals = [[0, 0] for _ in range(weeks)]
    for day, reviews, again in rows:
        week = (day - first).days // 7
        totals[week][0] += reviews
        totals[week][1] += reviews - again
    return [
        WeekRetention(first + timedelta(weeks=i), reviews, passed)
        for i, (reviews, passed) in enumerate(totals)
    ]
