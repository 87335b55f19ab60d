"""The dashboard, the progress page and GET /api/v1/me/progress cost as many queries after a
long history as after a short one: what grows with the log is read from the per-day sums."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes import stats
from quizzes.models import CardStatus, LearnerProfile, Rating, ReviewLog
from quizzes.services.daily_stats import daily_stats_rebuild
from tests.api.conftest import token_client
from tests.factories import BankFactory, EnrollmentFactory, QuestionFactory, UserFactory, card_of

pytestmark = pytest.mark.django_db


def learner_with_history(days: int, per_day: int, now):
    """A learner enrolled in two banks, who reviewed on each of the `days` learner days before
    today (a streak that long), `per_day` reviews a day from noon, local time.

    The days are placed on the learner's wall clock, not in 24-hour steps back from `now`: those
    move an hour of local time across a daylight saving change and, near the 4 am rollover, leave
    a learner day with no review (or split one day's reviews over two) depending on the hour the
    test runs."""
    learner = UserFactory()
    profile = LearnerProfile.objects.create(
        user=learner, timezone="Europe/Berlin", day_start_hour=4
    )
    today = stats.learner_today(profile=profile, now=now)
    berlin = ZoneInfo("Europe/Berlin")
    cards = []
    for _ in range(2):
        bank = BankFactory()
        EnrollmentFactory(learner=learner, bank=bank)
        cards += [card_of(QuestionFactory(bank=bank, kind="true_false")) for _ in range(3)]
    ReviewLog.objects.bulk_create(
        ReviewLog(
            learner=learner,
            card=cards[n % len(cards)],
            bank_id=cards[n % len(cards)].bank_id,
            rating=Rating.AGAIN if n % 7 == 0 else Rating.GOOD,
            correct=n % 7 != 0,
            reviewed_at=datetime.combine(today - timedelta(days=d), time(12, n), berlin),
            status_before=CardStatus.REVIEW,
            state_before={},
            state_after={},
            due_after=now,
        )
        for d in range(1, days + 1)
        for n in range(per_day)
    )
    daily_stats_rebuild(learner=learner)
    return learner


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["home", "progress", "api"])
def test_query_count_does_not_grow_with_history(page, monkeypatch):
    from django.utils import timezone

    from quizzes.api import clock

    now = timezone.now()  # the pages read the real clock: the history ends the day before
    monkeypatch.setattr(clock, "now", lambda: now)
    counts = []
    for days, per_day in ((10, 10), (400, 25)):  # 100 reviews; 10,000 reviews and a long streak
        learner = learner_with_history(days, per_day, now)
        if page == "api":
            client = token_client(learner, now=now)
            path = "/api/v1/me/progress"
        else:
            client = Client()
            client.force_login(learner)
            path = reverse(page)
        counts.append(queries(client, path))
        profile = LearnerProfile.objects.get(user=learner)
        assert stats.streak(learner=learner, profile=profile, now=now) == days
    assert counts[0] == counts[1], counts
