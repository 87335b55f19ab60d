"""Progress figures the pages need that quizzes.stats does not (yet) provide.

Same definitions as quizzes.stats (learner days, live reviews, retention = share of reviews of
cards in review state that were not Again), built on its SQL expressions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q

from quizzes import scheduling, stats
from quizzes.models import CardStatus, LearnerProfile, Rating, ReviewLog


@dataclass(frozen=True)
class WeekRetention:
    start: date  # the Monday (learner day) the week starts on
    reviews: int
    passed: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.reviews if self.reviews else None


def retention_per_week(
    *,
    learner: AbstractBaseUser,
    profile: LearnerProfile,
    now: datetime,
    weeks: int,
    bank_ids: Sequence[int] | None = None,
) -> list[WeekRetention]:
    """Retention in each of the last `weeks` weeks (Monday to Sunday, the current one last).

    One query: reviews are grouped by learner day in SQL and summed per week here.
    """
    today = stats.learner_today(profile=profile, now=now)
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    since = scheduling.date_bounds(
        first, tz_name=profile.timezone, day_start_hour=profile.day_start_hour
    )[0]
    logs = ReviewLog.objects.filter(
        learner=learner,
        undone_at__isnull=True,
        status_before=CardStatus.REVIEW,
        reviewed_at__gte=since,
        reviewed_at__lte=now,
    )
    if bank_ids is not None:
        logs = logs.filter(bank_id__in=bank_ids)
    rows = (
        logs.annotate(
            day=stats.LearnerDate(
                "reviewed_at", tz_name=profile.timezone, day_start_hour=profile.day_start_hour
            )
        )
        .values("day")
        .annotate(reviews=Count("id"), passed=Count("id", filter=~Q(rating=Rating.AGAIN)))
        .values_list("day", "reviews", "passed")
    )
    totals = [[0, 0] for _ in range(weeks)]
    for day, reviews, passed in rows:
        week = (day - first).days // 7
        if 0 <= week < weeks:
            totals[week][0] += reviews
            totals[week][1] += passed
    return [
        WeekRetention(first + timedelta(weeks=i), reviews, passed)
        for i, (reviews, passed) in enumerate(totals)
    ]
