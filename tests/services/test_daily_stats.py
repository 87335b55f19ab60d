"""DailyStat, the per-learner-day sums of the review log: what reviews and undos write in their
own transaction is what rebuilding from the log gives, along every path."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command

from quizzes import services
from quizzes.models import DailyStat, LearnerProfile, Rating, ReviewLog
from quizzes.services import accounts
from quizzes.services.attempts import answer_check, attempt_override
from quizzes.services.daily_stats import daily_stats_rebuild
from tests.factories import EnrollmentFactory, QuestionFactory, card_of, right_answer, wrong_answer

pytestmark = pytest.mark.django_db


def rows(learner):
    fields = ["bank_id", "day", "reviews", "again", "new", "learning", "relearning", "review"]
    fields += ["review_again", "graded", "correct", "overridden", "time_ms"]
    return list(DailyStat.objects.filter(learner=learner).order_by("day", "bank").values(*fields))


def assert_agrees_with_the_log(learner):
    written = rows(learner)
    daily_stats_rebuild(learner=learner)
    assert rows(learner) == written
    live = ReviewLog.objects.filter(learner=learner, undone_at__isnull=True).count()
    assert sum(r["reviews"] for r in written) == live
    return written


def review(learner, card, when, *, right=True, rating=None):
    q = card.question
    payload = right_answer(q, card.deletion) if right else wrong_answer(q, card.deletion)
    if q.kind == "flashcard" and rating is None:
        rating = Rating.GOOD if right else Rating.AGAIN
    return services.review_submit(
        learner=learner, card=card, answer=payload, rating=rating, now=when
    )


def test_reviews_of_new_learning_and_review_cards_are_summed_per_day(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="single_choice"))
    other = card_of(QuestionFactory(bank=bank, kind="flashcard"))
    review(learner, card, now, right=False)  # new, Again
    review(learner, card, now + timedelta(minutes=2))  # learning
    review(learner, other, now + timedelta(minutes=3), rating=Rating.EASY)  # new -> review
    review(learner, other, now + timedelta(days=9), rating=Rating.AGAIN)  # review, lapse
    written = assert_agrees_with_the_log(learner)
    first, second = written
    assert (first["day"], first["reviews"], first["again"], first["new"]) == (now.date(), 3, 1, 2)
    assert (first["learning"], first["graded"], first["correct"]) == (1, 2, 1)
    assert (second["review"], second["review_again"], second["again"]) == (1, 1, 1)
    assert second["day"] == (now + timedelta(days=9)).date()


def test_an_undo_takes_the_review_back_out_of_its_day(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    review(learner, card, now)
    review(learner, card_of(QuestionFactory(bank=bank, kind="true_false")), now, right=False)
    services.review_undo(learner=learner, now=now + timedelta(minutes=1))
    written = assert_agrees_with_the_log(learner)
    assert [(r["reviews"], r["again"], r["new"]) for r in written] == [(1, 0, 1)]
    services.review_undo(learner=learner, now=now + timedelta(minutes=2))
    assert assert_agrees_with_the_log(learner) == []  # a day with no review has no row


def test_an_overridden_review_counts_as_overridden(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="short_answer"))
    answer_check(learner=learner, card=card, answer=wrong_answer(card.question), now=now)
    attempt_override(learner=learner, card=card, now=now)
    services.review_submit(
        learner=learner,
        card=card,
        answer=wrong_answer(card.question),
        rating=Rating.GOOD,
        now=now,
        override=True,
    )
    [row] = assert_agrees_with_the_log(learner)
    assert (row["overridden"], row["graded"], row["correct"], row["again"]) == (1, 1, 0, 0)


def test_a_reset_card_is_new_again_on_its_next_review(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    review(learner, card, now)
    services.card_reset(learner=learner, card=card, now=now + timedelta(minutes=1))
    review(learner, card, now + timedelta(minutes=2))
    [row] = assert_agrees_with_the_log(learner)
    assert (row["reviews"], row["new"]) == (2, 2)


@pytest.mark.parametrize(
    ("zone", "hour", "moments", "days"),
    [
        # UTC, the day starting at 04:00: 03:59 still belongs to the day before.
        ("UTC", 4, ["2026-03-02T03:59Z", "2026-03-02T04:00Z"], ["2026-03-01", "2026-03-02"]),
        # New York (UTC−5 in winter): 23:30 UTC is 18:30 local, the same local day as 15:00 UTC.
        (
            "America/New_York",
            0,
            ["2026-01-10T15:00Z", "2026-01-10T23:30Z", "2026-01-11T05:30Z"],
            ["2026-01-10", "2026-01-11"],
        ),
        # Kolkata (UTC+05:30), the day starting at 06:00 local = 00:30 UTC.
        (
            "Asia/Kolkata",
            6,
            ["2026-01-10T00:29Z", "2026-01-10T00:30Z"],
            ["2026-01-09", "2026-01-10"],
        ),
        # Berlin's spring change (29 March 2026, 02:00 -> 03:00): a 23-hour learner day.
        (
            "Europe/Berlin",
            4,
            ["2026-03-29T01:59Z", "2026-03-29T02:00Z"],
            ["2026-03-28", "2026-03-29"],
        ),
        # Berlin's autumn change (25 October 2026, 03:00 -> 02:00): a 25-hour learner day.
        (
            "Europe/Berlin",
            4,
            ["2026-10-25T02:59Z", "2026-10-25T03:00Z"],
            ["2026-10-24", "2026-10-25"],
        ),
    ],
)
def test_day_boundaries_follow_the_learners_zone_and_day_start(
    learner, bank, zone, hour, moments, days
):
    LearnerProfile.objects.filter(user=learner).update(timezone=zone, day_start_hour=hour)
    learner.refresh_from_db()
    for moment in moments:
        card = card_of(QuestionFactory(bank=bank, kind="true_false"))
        review(learner, card, datetime.fromisoformat(moment).astimezone(UTC))
    written = assert_agrees_with_the_log(learner)
    assert [r["day"] for r in written] == [date.fromisoformat(d) for d in days]


def test_a_new_time_zone_or_day_start_moves_past_reviews_to_their_new_days(learner, bank):
    moment = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 02:00 UTC: the day before, at day start 4
    review(learner, card_of(QuestionFactory(bank=bank, kind="true_false")), moment)
    assert [r["day"] for r in rows(learner)] == [date(2026, 3, 1)]
    accounts.profile_update(learner=learner, day_start_hour=0)
    assert [r["day"] for r in assert_agrees_with_the_log(learner)] == [date(2026, 3, 2)]
    accounts.profile_update(learner=learner, timezone="America/Los_Angeles")  # 18:00 on the 1st
    assert [r["day"] for r in assert_agrees_with_the_log(learner)] == [date(2026, 3, 1)]


def test_banks_are_kept_apart(learner, bank, now):
    other = EnrollmentFactory(learner=learner).bank
    review(learner, card_of(QuestionFactory(bank=bank, kind="true_false")), now)
    review(learner, card_of(QuestionFactory(bank=other, kind="true_false")), now)
    assert sorted(r["bank_id"] for r in assert_agrees_with_the_log(learner)) == sorted(
        [bank.pk, other.pk]
    )


def test_answer_time_is_summed(learner, bank, now):
    card = card_of(QuestionFactory(bank=bank, kind="true_false"))
    token = services.serve_token_make(learner=learner, card=card, now=now - timedelta(seconds=7))
    services.review_submit(
        learner=learner, card=card, answer=True, rating=None, now=now, serve_token=token
    )
    [row] = assert_agrees_with_the_log(learner)
    assert row["time_ms"] == 7000


def test_rebuild_daily_stats_command_restores_lost_rows(learner, bank, now, capsys):
    review(learner, card_of(QuestionFactory(bank=bank, kind="true_false")), now)
    written = rows(learner)
    DailyStat.objects.all().delete()
    call_command("rebuild_daily_stats")
    assert rows(learner) == written
    assert capsys.readouterr().out == "Rebuilt 1 daily rows for 1 learner(s).\n"
    call_command("rebuild_daily_stats", "--learner", learner.username)
    assert rows(learner) == written
