"""Personal scheduler parameters: a queued run, fitted in the background, kept only when better."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizzes import scheduling
from quizzes.models import LearnerProfile, ParameterFit, ReviewLog
from quizzes.services import optimise
from tests.factories import BankFactory, UserFactory
from tests.history import START, synthetic_reviews, write_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner():
    user = UserFactory()
    LearnerProfile.objects.create(user=user, timezone="Europe/Berlin", day_start_hour=4)
    return user


def test_a_learner_with_enough_reviews_gets_parameters_that_predict_them_better(
    learner, django_capture_on_commit_callbacks, now
):
    write_log(learner, BankFactory(), synthetic_reviews(cards=250, days=110))
    with django_capture_on_commit_callbacks(execute=True):
        fit = optimise.parameter_fit_request(learner=learner, now=now)
    fit.refresh_from_db()
    assert fit.status == ParameterFit.Status.DONE
    assert fit.kept
    assert fit.reviews == ReviewLog.objects.filter(learner=learner).count()
    assert fit.log_loss_after < fit.log_loss_before
    assert fit.rmse_after < fit.rmse_before
    assert fit.parameters_before == list(scheduling.DEFAULT_PARAMETERS)
    profile = LearnerProfile.objects.get(user=learner)
    assert profile.fsrs_parameters == fit.parameters
    assert optimise.parameter_fit_in_use(learner=learner) == fit


def test_too_few_reviews_are_recorded_and_change_nothing(learner, now, settings):
    settings.KMODQUIZ = {**settings.KMODQUIZ, "OPTIMISER_MIN_REVIEWS": 400}
    write_log(learner, BankFactory(), synthetic_reviews(cards=30, days=5, new_per_day=10))
    fit = optimise.parameter_fit_run(
        fit_id=ParameterFit.objects.create(learner=learner, requested_at=now).pk, now=now
    )
    assert fit.status == ParameterFit.Status.DONE
    assert not fit.kept
    assert fit.message == f"{fit.reviews} reviews; at least 400 are needed."
    assert LearnerProfile.objects.get(user=learner).fsrs_parameters == []


def test_a_run_already_waiting_is_returned_rather_than_queued_twice(learner, now):
    first = optimise.parameter_fit_request(learner=learner, now=now)
    second = optimise.parameter_fit_request(learner=learner, now=now + timedelta(seconds=1))
    assert second == first
    assert ParameterFit.objects.filter(learner=learner).count() == 1


def test_a_finished_run_is_not_run_again(learner, now):
    fit = ParameterFit.objects.create(
        learner=learner, requested_at=now, status=ParameterFit.Status.DONE, message="done"
    )
    assert optimise.parameter_fit_run(fit_id=fit.pk, now=now).message == "done"


def test_history_counts_days_in_the_learners_time_zone_and_day_start(learner):
    bank = BankFactory()
    # 09:00 UTC is 10:00 in Berlin (winter); 02:30 Berlin the next night is still that day.
    reviews = synthetic_reviews(cards=1, days=1, new_per_day=1)
    write_log(learner, bank, reviews)
    log = ReviewLog.objects.get(learner=learner)
    ReviewLog.objects.create(
        learner=learner,
        card=log.card,
        bank=bank,
        rating=3,
        reviewed_at=START.replace(hour=1, minute=30) + timedelta(days=1),
        status_before=1,
        state_before={},
        state_after={},
        due_after=START,
    )
    profile = LearnerProfile.objects.get(user=learner)
    days = [r.day for r in optimise.learner_history(learner=learner, profile=profile)]
    assert days == [START.date(), START.date()]


def test_undone_reviews_are_not_history(learner, now):
    write_log(learner, BankFactory(), synthetic_reviews(cards=3, days=2, new_per_day=3))
    ReviewLog.objects.filter(learner=learner).update(undone_at=now)
    profile = LearnerProfile.objects.get(user=learner)
    assert optimise.learner_history(learner=learner, profile=profile) == []


def test_going_back_to_the_defaults(learner):
    LearnerProfile.objects.filter(user=learner).update(fsrs_parameters=[0.5] * 21)
    assert optimise.parameters_reset(learner=learner).fsrs_parameters == []
