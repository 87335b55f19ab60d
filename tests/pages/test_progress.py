"""The progress page: the learner's own figures, as SVG charts with text alternatives."""

from __future__ import annotations

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from tests.factories import card_of

pytestmark = pytest.mark.django_db


def _history(world, days: int = 3) -> None:
    now = timezone.now()
    for offset, kind in zip(
        range(days, 0, -1), ["true_false", "flashcard", "matching"], strict=False
    ):
        card = card_of(world.questions[kind])
        answer = {
            "true_false": True,
            "flashcard": None,
            "matching": {"l0": "r0", "l1": "r1", "l2": "r2"},
        }[kind]
        services.review_submit(
            learner=world.learner,
            card=card,
            answer=answer,
            rating=3 if kind == "flashcard" else None,
            now=now - timedelta(days=offset),
        )


def test_the_progress_page_shows_streak_charts_and_tables(world, learner_client):
    _history(world)
    page = learner_client.get(reverse("progress")).content.decode()
    assert re.search(r"<dt>Streak</dt><dd>3 days</dd>", page)
    assert page.count('role="img"') == 4 + 1  # four SVG charts, one topic's mastery meter
    assert "Reviews per day over the past year" in page
    assert "3 reviews on 3 of the last 371 days" in page  # the heatmap's text alternative
    assert "Retention per week, last 12 weeks" in page and "target 90%" in page
    assert "Cards due in the next 30 days" in page
    assert "Show as a table" in page
    assert "Commands" in page and "mastered" in page


def test_the_progress_page_without_enrolment_explains_itself(db):
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory())
    page = client.get(reverse("progress")).content.decode()
    assert "Enrol in a bank" in page and "<svg" not in page


def test_a_learner_sees_only_their_own_progress(world):
    _history(world)
    client = Client()
    client.force_login(world.other_learner)
    page = client.get(reverse("progress")).content.decode()
    assert "0 reviews on 0 of the last" in page
    assert client.get(reverse("progress"), {"bank": "kmods"}).status_code == HTTPStatus.NOT_FOUND


def test_the_progress_page_can_narrow_to_one_bank(world, learner_client):
    _history(world)
    services.enroll(learner=world.learner, bank=world.other_bank)
    page = learner_client.get(reverse("progress"), {"bank": "other"}).content.decode()
    assert "Your progress: Other bank" in page
    assert "0 reviews on 0 of the last" in page


def test_anonymous_visitors_cannot_see_progress(db):
    response = Client().get(reverse("progress"))
    assert response.status_code == HTTPStatus.FOUND
