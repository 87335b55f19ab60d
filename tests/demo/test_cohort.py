"""The demo cohort: simulated learners whose rows agree with each other, and a demo bank whose
deliberately flawed questions item analysis flags."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from quizzes import analytics
from quizzes.demo.answers import AMBIGUOUS, TWO_RIGHT, WRONG_KEY
from quizzes.demo.cohort import build_cohort
from quizzes.models import Attempt, Bank, CardState, QuestionReport, ReviewLog
from tests.factories import KINDS, BankFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_bank() -> Bank:
    call_command("load_bank", "fixtures/demo/quick-check.json", stdout=StringIO())
    return Bank.objects.get(slug="kmod-quick-check")


def test_every_review_has_its_attempt_and_the_states_end_where_the_logs_do(
    demo_bank: Bank, now: datetime
) -> None:
    result = build_cohort(now=now, days=20, learners=6, seed=7)
    assert result.learners == 7  # the demo learner too
    logs = ReviewLog.objects.filter(bank=demo_bank)
    assert logs.count() == result.reviews > 7 * 17
    assert Attempt.objects.filter(review__isnull=False).count() == result.attempts == result.reviews
    assert not Attempt.objects.filter(closed_at__isnull=True).exists()
    assert logs.filter(reviewed_at__gt=now).count() == 0
    assert logs.values("learner").distinct().count() == 7
    for state in CardState.objects.all()[:40]:
        last = logs.filter(learner=state.learner_id, card=state.card_id).latest("id")
        assert last.state_after["reps"] == state.reps
        assert last.due_after == state.due
    firsts = Attempt.objects.filter(reps=0)
    assert firsts.count() == CardState.objects.count()


def test_item_analysis_flags_the_flawed_questions_of_the_demo_bank(
    demo_bank: Bank, now: datetime
) -> None:
    build_cohort(now=now, days=30, learners=40, seed=2026)
    report = analytics.bank_item_analysis(bank=demo_bank, now=now)
    by_id = {q.external_id: q for q in report.questions}
    wrong_key, two_right, ambiguous = by_id[WRONG_KEY], by_id[TWO_RIGHT], by_id[AMBIGUOUS]
    assert wrong_key.discrimination is not None and wrong_key.discrimination < 0
    assert "Very likely needs checking" in wrong_key.flag_labels
    assert "Very likely needs checking" in two_right.flag_labels
    assert "Very likely needs checking" in ambiguous.flag_labels
    assert ambiguous.overrides
    flawed = {WRONG_KEY, TWO_RIGHT, AMBIGUOUS}
    sound = [q for q in report.questions if q.external_id not in flawed and q.discrimination]
    assert sum(q.discrimination for q in sound) / len(sound) > 40  # the others discriminate
    assert QuestionReport.objects.filter(question__external_id__in=flawed).exists()


def test_running_it_again_adds_nothing(demo_bank: Bank, now: datetime) -> None:
    build_cohort(now=now, days=5, learners=3, seed=1)
    count = ReviewLog.objects.count()
    again = build_cohort(now=now, days=5, learners=3, seed=1)
    assert again.learners == 0
    assert len(again.skipped) == 4
    assert ReviewLog.objects.count() == count


def test_the_demo_learner_studies_every_day_of_its_streak(now: datetime) -> None:
    # Enough new cards for every day (six a day), so no day of the streak is empty for want of
    # cards: the dashboard of `make run` shows an unbroken streak up to today.
    bank = BankFactory()
    for kind in KINDS * 8:
        QuestionFactory(bank=bank, kind=kind)
    build_cohort(now=now, days=10, learners=0, seed=2026)
    moments = ReviewLog.objects.filter(learner__username="learner").values_list(
        "reviewed_at", flat=True
    )
    studied = {moment.astimezone(now.tzinfo).date() for moment in moments}
    assert studied == {(now - timedelta(days=offset)).date() for offset in range(11)}
    assert max(moments) < now
