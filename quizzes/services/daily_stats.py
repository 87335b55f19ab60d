"""Per-learner-day aggregates of the review log (DailyStat): kept in step with every review and
undo, and rebuilt from the log when asked or when the learner's day changes (time zone, day
start). The log stays the source of truth; `daily_stats_rebuild` is the definition, and a test
holds the write path to it along every path."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F

from quizzes import scheduling
from quizzes.models import DAILY_COUNTERS, CardStatus, DailyStat, LearnerProfile, Rating, ReviewLog

# The log's columns a DailyStat row is summed from.
LOG_COLUMNS = (
    "bank_id",
    "reviewed_at",
    "rating",
    "status_before",
    "correct",
    "overridden",
    "elapsed_ms",
)


def review_counters(
    *, rating: int, status_before: int, correct: bool | None, overridden: bool, elapsed_ms: int
) -> dict[str, int]:
    """What one review adds to its day's row."""
    return {
        "reviews": 1,
        "again": int(rating == Rating.AGAIN),
        "new": int(status_before == CardStatus.NEW),
        "learning": int(status_before == CardStatus.LEARNING),
        "relearning": int(status_before == CardStatus.RELEARNING),
        "review": int(status_before == CardStatus.REVIEW),
        "review_again": int(status_before == CardStatus.REVIEW and rating == Rating.AGAIN),
        "graded": int(correct is not None),
        "correct": int(correct is True),
        "overridden": int(bool(overridden)),
        "time_ms": int(elapsed_ms or 0),
    }


def log_counters(log: ReviewLog) -> dict[str, int]:
    return review_counters(
        rating=log.rating,
        status_before=log.status_before,
        correct=log.correct,
        overridden=log.overridden,
        elapsed_ms=log.elapsed_ms,
    )


def learner_day_of(moment: datetime, *, profile: LearnerProfile) -> date:
    return scheduling.learner_date(
        moment, tz_name=profile.timezone, day_start_hour=profile.day_start_hour
    )


def daily_stat_add(
    *, learner_id: int, bank_id: int, day: date, counters: dict[str, int], sign: int = 1
) -> None:
    """Add (sign 1) or take back (sign -1) one review's counters on its day's row, inside the
    caller's transaction. An UPDATE with F() expressions, so that two concurrent reviews of one
    learner both count; the first review of a day inserts the row, and taking back its last one
    deletes it."""
    changes = {name: F(name) + sign * value for name, value in counters.items() if value}
    rows = DailyStat.objects.filter(learner_id=learner_id, bank_id=bank_id, day=day)
    if sign < 0:
        rows.update(**changes)
        rows.filter(reviews=0).delete()  # as a rebuild would have no row for the day
        return
    if rows.update(**changes):
        return
    try:
        with transaction.atomic():  # a savepoint: a concurrent first insert only undoes this
            DailyStat.objects.create(learner_id=learner_id, bank_id=bank_id, day=day, **counters)
    except IntegrityError:
        rows.update(**changes)


def daily_stat_record(*, log: ReviewLog, profile: LearnerProfile) -> None:
    """Count a newly recorded review (in the review's transaction)."""
    daily_stat_add(
        learner_id=log.learner_id,
        bank_id=log.bank_id,
        day=learner_day_of(log.reviewed_at, profile=profile),
        counters=log_counters(log),
    )


def daily_stat_unrecord(*, log: ReviewLog, profile: LearnerProfile) -> None:
    """Take an undone review back out of its day (in the undo's transaction)."""
    daily_stat_add(
        learner_id=log.learner_id,
        bank_id=log.bank_id,
        day=learner_day_of(log.reviewed_at, profile=profile),
        counters=log_counters(log),
        sign=-1,
    )


# --- rebuilding from the log --------------------------------------------------------------------


@dataclass
class DayFinder:
    """Learner days of timestamps given in order: day bounds are computed once per day."""

    tz_name: str
    day_start_hour: int
    start: datetime | None = None
    end: datetime | None = None
    day: date | None = None

    def __call__(self, moment: datetime) -> date:
        if self.start is None or not (self.start <= moment < self.end):  # type: ignore[operator]
            self.day = scheduling.learner_date(
                moment, tz_name=self.tz_name, day_start_hour=self.day_start_hour
            )
            self.start, self.end = scheduling.date_bounds(
                self.day, tz_name=self.tz_name, day_start_hour=self.day_start_hour
            )
        assert self.day is not None
        return self.day


def aggregate_log_rows(
    rows: Iterable[tuple[Any, ...]], *, tz_name: str, day_start_hour: int
) -> dict[tuple[int, date], dict[str, int]]:
    """Sum log rows (LOG_COLUMNS, ordered by reviewed_at) per (bank, learner day)."""
    find_day = DayFinder(tz_name, day_start_hour)
    totals: dict[tuple[int, date], dict[str, int]] = {}
    for bank_id, reviewed_at, rating, status_before, correct, overridden, elapsed_ms in rows:
        key = (bank_id, find_day(reviewed_at))
        counters = review_counters(
            rating=rating,
            status_before=status_before,
            correct=correct,
            overridden=overridden,
            elapsed_ms=elapsed_ms,
        )
        row = totals.get(key)
        if row is None:
            totals[key] = counters
        else:
            for name in DAILY_COUNTERS:
                row[name] += counters[name]
    return totals


def daily_stats_rebuild(*, learner: AbstractBaseUser, profile: LearnerProfile | None = None) -> int:
    """Replace the learner's DailyStat rows by sums of their live reviews; returns how many rows."""
    if profile is None:
        profile = LearnerProfile.objects.filter(user_id=learner.pk).first() or LearnerProfile()
    return daily_stats_rebuild_for(
        learner_id=learner.pk, tz_name=profile.timezone, day_start_hour=profile.day_start_hour
    )


def daily_stats_rebuild_for(
    *,
    learner_id: int,
    tz_name: str,
    day_start_hour: int,
    log_model: Any = ReviewLog,
    stat_model: Any = DailyStat,
) -> int:
    """daily_stats_rebuild by ids and values; the models can be a migration's historical ones."""
    rows = (
        log_model.objects.filter(learner_id=learner_id, undone_at__isnull=True)
        .order_by("reviewed_at", "id")
        .values_list(*LOG_COLUMNS)
    )
    totals = aggregate_log_rows(
        rows.iterator(chunk_size=5000), tz_name=tz_name, day_start_hour=day_start_hour
    )
    with transaction.atomic():
        stat_model.objects.filter(learner_id=learner_id).delete()
        stat_model.objects.bulk_create(
            [
                stat_model(learner_id=learner_id, bank_id=bank_id, day=day, **counters)
                for (bank_id, day), counters in sorted(totals.items(), key=_by_day)
            ],
            batch_size=1000,
        )
    return len(totals)


def _by_day(item: tuple[tuple[int, date], Any]) -> tuple[date, int]:
    (bank_id, day), _ = item
    return day, bank_id


def learners_with_reviews(*, log_model: Any = ReviewLog) -> Iterator[int]:
    """Ids of learners who have a review in the log."""
    yield from (
        log_model.objects.order_by("learner_id").values_list("learner_id", flat=True).distinct()
    )
