"""Grades: after studying, the learner's mastery reaches the gradebook line item (AGS), at most
once per interval, retried with backoff when the platform fails, never troubling the learner."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from http import HTTPStatus
from typing import Any

import jwt
import pytest
import responses
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from jwcrypto.jwk import JWK

from quizzes import services
from quizzes.lti import tasks
from quizzes.lti.models import ScoreSync
from quizzes.lti.services import scores
from quizzes.models import Card, Rating
from tests.lti.conftest import CLIENT_ID, INSTRUCTOR_ROLE, SCORES_URL, TOKEN_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(launcher: Any) -> Any:
    _client, response = launcher.launch()
    assert response.status_code == HTTPStatus.FOUND
    return ScoreSync.objects.get().learner


def _modprobe_cards(bank: Any) -> list[Card]:
    return list(
        Card.objects.filter(bank=bank, question__topics__slug="commands/modprobe").order_by("pk")
    )


def _review(learner: Any, card: Card, capture: Any) -> None:
    with capture(execute=True):
        services.review_submit(
            learner=learner, card=card, answer=True, rating=Rating.GOOD, now=timezone.now()
        )


def _score_posts(mocked: responses.RequestsMock) -> list[dict[str, Any]]:
    return [
        json.loads(call.request.body) for call in mocked.calls if call.request.url == SCORES_URL
    ]


def test_a_review_publishes_the_learners_mastery(
    learner, bank, sim, mocked, tool_pem, django_capture_on_commit_callbacks
):
    sim.mock_token()
    mocked.add(responses.POST, SCORES_URL, status=204)
    before = timezone.now()
    _review(learner, _modprobe_cards(bank)[0], django_capture_on_commit_callbacks)
    [score] = _score_posts(mocked)
    timestamp = score.pop("timestamp")
    assert score == {
        "scoreGiven": 0.3333,  # 1 of the link's 3 cards (topic commands/modprobe) mastered
        "scoreMaximum": 1,
        "activityProgress": "InProgress",
        "gradingProgress": "FullyGraded",
        "userId": "lms-user-17",
        "comment": "1 of 3 cards mastered.",
    }
    assert before.isoformat()[:16] <= timestamp[:16]
    post = next(call.request for call in mocked.calls if call.request.url == SCORES_URL)
    assert post.headers["Content-Type"] == "application/vnd.ims.lis.v1.score+json"
    assert post.headers["Authorization"] == "Bearer platform-access-token"
    # The access token was asked for with a client assertion signed by the tool's key.
    token_call = next(call.request for call in mocked.calls if call.request.url == TOKEN_URL)
    form = dict(pair.split("=", 1) for pair in token_call.body.split("&"))
    assertion = jwt.decode(
        form["client_assertion"],
        JWK.from_pem(tool_pem).export_to_pem(),
        algorithms=["RS256"],
        audience=TOKEN_URL,
    )
    assert assertion["iss"] == assertion["sub"] == CLIENT_ID
    sync = ScoreSync.objects.get()
    assert sync.status == "sent" and sync.score == 0.3333 and sync.pending_since is None


def test_scores_are_sent_at_most_once_per_interval(
    learner, bank, sim, mocked, django_capture_on_commit_callbacks
):
    sim.mock_token()
    mocked.add(responses.POST, SCORES_URL, status=200, json={})
    first, second, _third = _modprobe_cards(bank)
    _review(learner, first, django_capture_on_commit_callbacks)
    _review(learner, second, django_capture_on_commit_callbacks)
    assert len(_score_posts(mocked)) == 1
    sync = ScoreSync.objects.get()
    assert sync.pending_since is not None and scores.send_after(sync) == (
        sync.last_sent_at + timedelta(minutes=5)
    )
    call_command("lti_flush_scores", stdout=io.StringIO())
    assert [s["scoreGiven"] for s in _score_posts(mocked)] == [0.3333, 0.6667]
    assert ScoreSync.objects.get().pending_since is None


def test_a_grade_the_platform_refuses_is_retried_with_backoff(
    learner, bank, sim, mocked, django_capture_on_commit_callbacks, launcher
):
    sim.mock_token()
    mocked.add(responses.POST, SCORES_URL, status=503, body="maintenance")
    mocked.add(responses.POST, SCORES_URL, status=200, json={})
    _review(learner, _modprobe_cards(bank)[0], django_capture_on_commit_callbacks)  # no error
    sync = ScoreSync.objects.get()
    assert sync.status == "failed" and sync.attempts == 1 and "503" in sync.last_error
    assert sync.next_attempt_at - sync.last_error_at == timedelta(minutes=1)
    # The instructor's course page shows it.
    client, response = launcher.launch(role=INSTRUCTOR_ROLE, sub="lms-teacher-1")
    page = client.get(response["Location"], secure=True).content.decode()
    assert "could not be sent" in page and "maintenance" in page
    # Not before the backoff is over…
    call_command("lti_flush_scores", stdout=io.StringIO())
    assert len(_score_posts(mocked)) == 1
    ScoreSync.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    call_command("lti_flush_scores", stdout=io.StringIO())
    assert len(_score_posts(mocked)) == 2
    sync.refresh_from_db()
    assert (sync.status, sync.attempts, sync.last_error, sync.pending_since) == (
        "sent",
        0,
        "",
        None,
    )
    assert "could not be sent" not in client.get(response["Location"], secure=True).content.decode()


def test_a_failed_send_is_queued_again_where_the_backend_can_wait(
    learner, bank, sim, mocked, settings
):
    sim.mock_token()
    mocked.add(responses.POST, SCORES_URL, status=500)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sync = ScoreSync.objects.get()
    ScoreSync.objects.update(pending_since=timezone.now())
    assert tasks.publish_score.func(sync.pk) == "failed"
    queued = DBTaskResult.objects.get()
    sync.refresh_from_db()
    assert queued.args_kwargs["args"] == [sync.pk] and queued.run_after == sync.next_attempt_at


def test_backoff_doubles_up_to_six_hours():
    assert [scores.backoff(n) for n in (1, 2, 3)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
    ]
    assert scores.backoff(30) == timedelta(hours=6)


def test_reviews_without_an_lti_link_cost_one_query(
    bank, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from tests.factories import UserFactory

    learner = UserFactory()
    with django_assert_num_queries(1):
        tasks.scores_after_review(learner_id=learner.pk, bank_id=bank.pk)


def test_mastery_of_a_whole_bank_counts_every_active_card(learner, bank, now):
    card = _modprobe_cards(bank)[0]
    services.review_submit(learner=learner, card=card, answer=True, rating=Rating.GOOD, now=now)
    from quizzes import stats

    whole = stats.mastery(learner=learner, bank=bank, now=now)
    assert (whole.cards, whole.mastered, whole.share) == (5, 1, 0.2)
    later = stats.mastery(learner=learner, bank=bank, now=now + timedelta(days=365))
    assert later.mastered == 0  # forgotten by then: retrievability below the desired retention
