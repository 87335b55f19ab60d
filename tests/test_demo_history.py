"""demo_history simulates the cohort of `make run` once, and says what it wrote."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from quizzes.models import Enrollment, ReviewLog
from tests.factories import KINDS, BankFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def test_demo_history_simulates_the_demo_learner_and_the_cohort_once():
    bank = BankFactory()
    for kind in KINDS * 2:
        QuestionFactory(bank=bank, kind=kind)
    out = StringIO()
    call_command("demo_history", "--days", "10", "--learners", "3", stdout=out)
    logs = ReviewLog.objects.filter(bank=bank)
    assert logs.values("learner").distinct().count() == 4
    assert Enrollment.objects.filter(bank=bank).count() == 4
    assert f"4 learner(s) simulated over 10 days: {logs.count()} reviews" in out.getvalue()
    out = StringIO()
    call_command("demo_history", "--days", "10", "--learners", "3", stdout=out)
    assert ReviewLog.objects.count() == logs.count()
    assert "4 learner(s) already had study history" in out.getvalue()


def test_demo_history_needs_a_bank():
    with pytest.raises(CommandError, match="no active bank"):
        call_command("demo_history")


def test_demo_history_refuses_nonsense_arguments():
    BankFactory()
    with pytest.raises(CommandError, match="--days must be at least 1"):
        call_command("demo_history", "--days", "0")
