"""A bank's cohort: every enrolled learner's progress there, in one query."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    IntegerField,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from quizzes.models import (
    Bank,
    CardState,
    CardStatus,
    Enrollment,
    Rating,
    ReviewLog,
)


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
    """Enrolments annotated with each learner's progress in that enrolment's bank (one query).

    `overridden` counts the answers judged wrong whose learner said "I was right": accuracy
    counts them apart, as correct / (graded - overridden).
    """
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
        overridden=_count(logs.filter(overridden=True)),
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
