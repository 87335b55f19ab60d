"""optimise_scheduler and rebuild_daily_stats."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from quizzes.models import LearnerProfile, ParameterFit
from tests.factories import BankFactory, UserFactory
from tests.history import synthetic_reviews, write_log

pytestmark = pytest.mark.django_db


def test_optimise_scheduler_runs_for_a_named_learner_and_says_what_it_found(capsys):
    user = UserFactory(username="alice")
    write_log(user, BankFactory(), synthetic_reviews(cards=10, days=3, new_per_day=10))
    call_command("optimise_scheduler", "--learner", "alice")
    fit = ParameterFit.objects.get(learner=user)
    assert fit.status == ParameterFit.Status.DONE and not fit.kept
    assert capsys.readouterr().out == f"alice: {fit.reviews} reviews, not kept. {fit.message}\n"


def test_optimise_scheduler_all_takes_learners_with_enough_reviews(settings, capsys):
    settings.KMODQUIZ = {**settings.KMODQUIZ, "OPTIMISER_MIN_REVIEWS": 20}
    busy, idle = UserFactory(username="busy"), UserFactory(username="idle")
    bank = BankFactory()
    write_log(busy, bank, synthetic_reviews(cards=15, days=4, new_per_day=15))
    LearnerProfile.objects.create(user=idle)
    call_command("optimise_scheduler", "--all", "--queue")
    assert list(ParameterFit.objects.values_list("learner__username", flat=True)) == ["busy"]


def test_optimise_scheduler_needs_a_learner_or_all():
    with pytest.raises(CommandError, match="--learner USER"):
        call_command("optimise_scheduler")
    with pytest.raises(CommandError, match="no such user: nobody"):
        call_command("optimise_scheduler", "--learner", "nobody")
