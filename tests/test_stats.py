"""Progress aggregates: learner days in SQL, streaks, mastery as FSRS defines it, forecasts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model

from quizzes import scheduling, services, stats
from quizzes.models import CardState, CardStatus, LearnerProfile, Rating, ReviewLog
from quizzes.selectors import schedule_of, scheduler_config
from quizzes.services.daily_stats import daily_stats_rebuild
from tests.factories import EnrollmentFactory, QuestionFactory, TopicFactory, UserFactory, card_of

pytestmark = pytest.mark.django_db


def profile_of(user, tz="UTC", hour=4, retention=0.9) -> LearnerProfile:
    return LearnerProfile.objects.create(
        user=user, timezone=tz, day_start_hour=hour, desired_retention=retention
    )


def log_at(learner, card, when, *, rating=Rating.GOOD, status_before=CardStatus.REVIEW):
    """A review in the log, and in the per-day sums as the services would count it."""
    log = ReviewLog.objects.create(
        learner=learner,
        card=card,
        bank_id=card.bank_id,
        rating=rating,
        reviewed_at=when,
        status_before=status_before,
        state_before={},
        state_after={},
        due_after=when,
    )
    daily_stats_rebuild(learner=learner)
    return log


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def learner():
    return UserFactory()


@pytest.fixture
def card(learner):
    bank = EnrollmentFactory(learner=learner).bank
    return card_of(QuestionFactory(bank=bank, kind="true_false"))


@pytest.mark.parametrize(
    ("tz", "hour", "moment", "expected"),
    [
        ("UTC", 4, datetime(2026, 3, 2, 3, 59, tzinfo=UTC), date(2026, 3, 1)),
        ("UTC", 4, datetime(2026, 3, 2, 4, 0, tzinfo=UTC), date(2026, 3, 2)),
        ("Pacific/Kiritimati", 4, datetime(2026, 3, 2, 13, 59, tzinfo=UTC), date(2026, 3, 2)),
        ("Pacific/Kiritimati", 4, datetime(2026, 3, 2, 14, 0, tzinfo=UTC), date(2026, 3, 3)),
        ("Asia/Kolkata", 0, datetime(2026, 3, 2, 18, 29, tzinfo=UTC), date(2026, 3, 2)),
        ("Asia/Kolkata", 0, datetime(2026, 3, 2, 18, 30, tzinfo=UTC), date(2026, 3, 3)),
        # Berlin springs forward on 29 March 2026 at 02:00: 04:30 local is 02:30 UTC.
        ("Europe/Berlin", 4, datetime(2026, 3, 29, 2, 30, tzinfo=UTC), date(2026, 3, 29)),
        ("Europe/Berlin", 4, datetime(2026, 3, 29, 1, 59, tzinfo=UTC), date(2026, 3, 28)),
        # ... and falls back on 25 October: 03:30 local (CET) is 02:30 UTC, still the 24th.
        ("Europe/Berlin", 4, datetime(2026, 10, 25, 2, 30, tzinfo=UTC), date(2026, 10, 24)),
        ("Europe/Berlin", 4, datetime(2026, 10, 25, 3, 0, tzinfo=UTC), date(2026, 10, 25)),
    ],
)
def test_learner_date_in_sql_matches_the_scheduler(learner, card, tz, hour, moment, expected):
    log_at(learner, card, moment)
    day = (
        ReviewLog.objects.annotate(
            day=stats.LearnerDate("reviewed_at", tz_name=tz, day_start_hour=hour)
        )
        .values_list("day", flat=True)
        .get()
    )
    assert day == expected == scheduling.learner_date(moment, tz_name=tz, day_start_hour=hour)


def test_streak_counts_back_from_today_or_yesterday(learner, card, now):
    profile = profile_of(learner)
    for days in (0, 1, 2, 4):
        log_at(learner, card, now - timedelta(days=days))
    assert stats.streak(learner=learner, profile=profile, now=now) == 3
    assert stats.streak(learner=learner, profile=profile, now=now + timedelta(days=1)) == 3
    assert stats.streak(learner=learner, profile=profile, now=now + timedelta(days=2)) == 0


def test_undone_reviews_do_not_keep_a_streak(learner, card, now):
    profile = profile_of(learner)
    log_at(learner, card, now - timedelta(days=1))
    ReviewLog.objects.update(undone_at=now)
    daily_stats_rebuild(learner=learner)
    assert stats.streak(learner=learner, profile=profile, now=now) == 0


def test_a_long_streak_is_counted_to_its_start(learner, card, now):
    profile = profile_of(learner)
    for days in range(100):
        log_at(learner, card, now - timedelta(days=days))
    assert stats.streak(learner=learner, profile=profile, now=now) == 100


def test_reviews_per_day_fill_empty_days_with_zero(learner, card, now):
    profile = profile_of(learner)
    log_at(learner, card, now, rating=Rating.AGAIN)
    log_at(learner, card, now - timedelta(days=2))
    days = stats.reviews_per_day(learner=learner, profile=profile, now=now, days=3)
    assert [(d.reviews, d.again) for d in days] == [(1, 0), (0, 0), (1, 1)]
    assert days[-1].day == date(2026, 3, 2)


def test_retention_counts_only_reviews_of_cards_in_review_state(learner, card, now):
    log_at(learner, card, now, rating=Rating.AGAIN)
    log_at(learner, card, now, rating=Rating.HARD)
    log_at(learner, card, now, rating=Rating.AGAIN, status_before=CardStatus.LEARNING)
    result = stats.retention(learner=learner, since=None)
    assert stats.retention(learner=learner, since=now.date() + timedelta(days=1)).reviews == 0
    assert (result.reviews, result.passed, result.rate) == (2, 1, 0.5)
    assert stats.retention(learner=UserFactory(), since=None).rate is None


@pytest.mark.parametrize("elapsed", [scheduling.LEARNER_DAYS, scheduling.HOURS_24])
@pytest.mark.parametrize("retention", [0.7, 0.8, 0.9, 0.95, 0.99])
def test_mastery_in_sql_agrees_with_fsrs_retrievability(learner, now, retention, elapsed, settings):
    settings.KMODQUIZ = {**settings.KMODQUIZ, "ELAPSED_DAYS": elapsed}
    profile = profile_of(learner, tz="America/New_York", hour=5, retention=retention)
    bank = EnrollmentFactory(learner=learner).bank
    config = scheduler_config(profile)
    states = []
    for n in range(40):
        card = card_of(QuestionFactory(bank=bank, kind="true_false"))
        states.append(
            CardState.objects.create(
                learner=learner,
                card=card,
                bank=bank,
                status=CardStatus.REVIEW,
                stability=0.5 + n * 0.2,
                difficulty=5.0,
                due=now,
                last_review=now - timedelta(days=n * 3.1, minutes=7),
                reps=3,
            )
        )
    in_sql = set(
        stats.with_days_since_review(
            CardState.objects.filter(learner=learner), now=now, config=config
        )
        .filter(stats.mastered_q(config=config))
        .values_list("pk", flat=True)
    )
    by_fsrs = {
        s.pk
        for s in states
        if scheduling.retrievability(schedule_of(s), now=now, config=config) >= retention
    }
    assert in_sql == by_fsrs and 0 < len(by_fsrs) < len(states)


def test_topic_mastery_counts_cards_per_topic(learner, now):
    profile_of(learner)
    bank = EnrollmentFactory(learner=learner).bank
    topic, other = TopicFactory(bank=bank, slug="a"), TopicFactory(bank=bank, slug="b")
    reviewed = QuestionFactory(bank=bank, kind="true_false", topics=[topic, other])
    QuestionFactory(bank=bank, kind="cloze", topics=[topic])
    services.review_submit(
        learner=learner, card=card_of(reviewed), answer=True, rating=Rating.EASY, now=now
    )
    config = scheduler_config(LearnerProfile.objects.get(user=learner))
    rows = stats.topic_mastery(
        learner=learner, now=now + timedelta(days=1), config=config, bank_ids=[bank.pk]
    )
    assert [(r.topic, r.cards, r.mastered) for r in rows] == [("a", 3, 1), ("b", 1, 1)]


def test_forecast_folds_overdue_cards_into_today(learner, card, now):
    profile = profile_of(learner)
    for due in (now - timedelta(days=5), now + timedelta(hours=1), now + timedelta(days=1)):
        CardState.objects.create(
            learner=learner,
            card=card_of(QuestionFactory(bank=card.bank, kind="true_false")),
            bank=card.bank,
            status=CardStatus.REVIEW,
            due=due,
        )
    forecast = stats.due_forecast(learner=learner, profile=profile, now=now, days=3)
    assert [d.reviews for d in forecast] == [2, 1, 0]


def test_cohort_progress_aggregates_each_learner_in_one_query(card, now, django_assert_num_queries):
    users = get_user_model()
    for name in ("a", "b"):
        EnrollmentFactory(learner=users.objects.create(username=name), bank=card.bank)
    a = users.objects.get(username="a")
    log_at(a, card, now, rating=Rating.AGAIN)
    log_at(a, card, now - timedelta(days=40))
    with django_assert_num_queries(1):
        rows = {
            e.learner.username: e
            for e in stats.bank_cohort_progress(bank=card.bank, now=now, days=30)
        }
    assert (rows["a"].reviews, rows["a"].reviews_recent, rows["a"].review_passed) == (2, 1, 1)
    assert rows["b"].reviews == 0 and rows["b"].last_review_at is None


def test_a_parent_topic_rolls_up_its_subtopics_cards(learner, now):
    profile_of(learner)
    bank = EnrollmentFactory(learner=learner).bank
    parent = TopicFactory(bank=bank, slug="mod_params", title="Parameters")
    child = TopicFactory(bank=bank, slug="mod_params/sysfs", title="In sysfs", parent=parent)
    lookalike = TopicFactory(bank=bank, slug="modXparams/other", title="Not below it")
    learned = QuestionFactory(bank=bank, kind="true_false", topics=[parent])
    both = QuestionFactory(bank=bank, kind="true_false", topics=[parent, child])
    QuestionFactory(bank=bank, kind="true_false", topics=[child])  # not learned yet
    QuestionFactory(bank=bank, kind="true_false", topics=[lookalike])
    for question in (learned, both):
        services.review_submit(
            learner=learner, card=card_of(question), answer=True, rating=Rating.EASY, now=now
        )
    config = scheduler_config(LearnerProfile.objects.get(user=learner))
    rows = {
        r.topic: (r.cards, r.mastered)
        for r in stats.topic_mastery(
            learner=learner, now=now + timedelta(days=1), config=config, bank_ids=[bank.pk]
        )
    }
    # The child: 1 of 2; the parent counts its own card, the shared one once, and the child's.
    assert rows["mod_params/sysfs"] == (2, 1)
    assert rows["mod_params"] == (3, 2)
    assert rows["modXparams/other"] == (1, 0)


@pytest.mark.parametrize("elapsed", [scheduling.LEARNER_DAYS, scheduling.HOURS_24])
def test_topic_mastery_agrees_with_fsrs_retrievability(learner, now, elapsed, settings):
    settings.KMODQUIZ = {**settings.KMODQUIZ, "ELAPSED_DAYS": elapsed}
    profile = profile_of(learner, tz="Europe/Berlin", hour=4, retention=0.85)
    bank = EnrollmentFactory(learner=learner).bank
    topic = TopicFactory(bank=bank, slug="all")
    config = scheduler_config(profile)
    states = [
        CardState.objects.create(
            learner=learner,
            card=card_of(QuestionFactory(bank=bank, kind="true_false", topics=[topic])),
            bank=bank,
            status=CardStatus.REVIEW,
            stability=0.5 + n * 0.3,
            difficulty=5.0,
            due=now,
            last_review=now - timedelta(days=n * 1.7, hours=n % 5),
            reps=3,
        )
        for n in range(30)
    ]
    by_fsrs = sum(
        scheduling.retrievability(schedule_of(s), now=now, config=config) >= 0.85 for s in states
    )
    [row] = stats.topic_mastery(learner=learner, now=now, config=config, bank_ids=[bank.pk])
    assert row.mastered == by_fsrs and 0 < by_fsrs < len(states)
