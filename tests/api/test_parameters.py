"""The learner's scheduler parameters over the API: the runs, and asking for a new one."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from quizzes import scheduling
from quizzes.models import LearnerProfile, ParameterFit

pytestmark = pytest.mark.django_db


def test_asking_for_a_fit_queues_a_run_and_answers_202(world, client_as):
    response = client_as("learner").post("/api/v1/me/optimise")
    assert response.status_code == HTTPStatus.ACCEPTED
    body = response.json()
    fit = ParameterFit.objects.get(learner=world.learner)
    assert body["id"] == fit.pk
    # Tests run tasks immediately, but only once the request's transaction commits.
    assert body["status"] in {"queued", "done"}


def test_the_runs_and_the_parameters_in_use(world, client_as, now):
    ParameterFit.objects.create(
        learner=world.learner,
        requested_at=now,
        status=ParameterFit.Status.DONE,
        reviews=12,
        message="12 reviews; at least 400 are needed.",
    )
    ParameterFit.objects.create(learner=world.other_learner, requested_at=now)
    body = client_as("learner").get("/api/v1/me/optimise").json()
    assert body["personal"] is False
    assert body["parameters"] == pytest.approx(list(scheduling.DEFAULT_PARAMETERS))
    assert body["min_reviews"] == 400
    assert [f["reviews"] for f in body["fits"]] == [12]  # not the other learner's run


def test_personal_parameters_are_reported(world, client_as):
    LearnerProfile.objects.filter(user=world.learner).update(fsrs_parameters=[0.3] * 21)
    body = client_as("learner").get("/api/v1/me/optimise").json()
    assert body["personal"] is True and body["parameters"] == [0.3] * 21


def test_a_read_only_token_cannot_ask_for_a_fit(world, client_as):
    response = client_as("learner", read_only=True).post("/api/v1/me/optimise")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not ParameterFit.objects.exists()


def test_anonymous_requests_are_refused(world, client_as):
    assert client_as("anonymous").post("/api/v1/me/optimise").status_code == 401
