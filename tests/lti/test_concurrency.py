"""The nonce is single-use across workers: two launches of one id_token at once, one gets in."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client

from quizzes.lti import tool
from quizzes.lti.models import LtiUser
from tests.lti.conftest import login_initiation, post_launch
from tests.services.test_concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("attempt", range(3))
def test_one_id_token_posted_twice_at_once_launches_once(launcher, sim, attempt):
    browser = Client()
    state, nonce, _ = login_initiation(browser)
    token = sim.sign(sim.claims(nonce=nonce))
    twin = Client()
    twin.cookies = browser.cookies.__class__(browser.cookies)  # the same browser, twice

    results = race(
        lambda: post_launch(browser, token, state), lambda: post_launch(twin, token, state)
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses == [HTTPStatus.FOUND, HTTPStatus.BAD_REQUEST], results
    refused = next(r for r in results if r.status_code == HTTPStatus.BAD_REQUEST)
    assert tool.NONCE_REPLAYED in refused.content.decode()
    assert LtiUser.objects.count() == 1
