"""Inside the LMS's frame: frame-ancestors on the launched pages only, cross-site cookies for the
LTI session, and the one-time link into a new window when the browser refuses cookies."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.http import HttpResponse
from django.test import Client

from quizzes.lti.framing import frame_ancestors
from quizzes.lti.models import LaunchHandoff
from quizzes.lti.services import launch as launches
from quizzes.security.csp import parse_policy
from tests.lti.conftest import ISSUER, login_initiation, post_launch

pytestmark = pytest.mark.django_db


def framed_by(response: HttpResponse) -> str:
    """The frame-ancestors directive of a response's Content-Security-Policy."""
    return parse_policy(response["Content-Security-Policy"]).get("frame-ancestors", "")


def test_the_launched_study_page_may_be_framed_by_the_platform_only(launcher):
    client, response = launcher.launch()
    page = client.get(response["Location"], secure=True)
    assert framed_by(page) == f"'self' {ISSUER}"
    assert "X-Frame-Options" not in page
    # The rest of the site's policy stays (quizzes.security.csp merges the two).
    assert parse_policy(page["Content-Security-Policy"])["script-src"] == "'self'"
    csrf = page.cookies.get("csrftoken")
    assert csrf is None or (csrf["samesite"] == "None" and csrf["secure"])


@pytest.mark.parametrize("path", ["/", "/progress/", "/settings/", "/banks/other/", "/teach/"])
def test_other_pages_keep_x_frame_options_deny_in_an_lti_session(launcher, path):
    client, _response = launcher.launch()
    page = client.get(path, secure=True)
    assert page["X-Frame-Options"] == "DENY"
    assert framed_by(page) == "'none'"


def test_pages_outside_an_lti_session_are_never_framed(bank, admin_client):
    page = admin_client.get("/study/kmod/", secure=True)
    assert page["X-Frame-Options"] == "DENY" and framed_by(page) == "'none'"


def test_frame_ancestors_joins_a_site_wide_policy_instead_of_replacing_it():
    response = HttpResponse()
    response["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'none'"
    response["X-Frame-Options"] = "DENY"
    frame_ancestors(response, ["https://lms.example.edu"])
    assert response["Content-Security-Policy"] == (
        "default-src 'self'; frame-ancestors 'self' https://lms.example.edu"
    )
    assert "X-Frame-Options" not in response and response.xframe_options_exempt


def test_the_refusal_page_shows_inside_the_platforms_frame(launcher, sim):
    client = Client()
    state, _nonce, _ = login_initiation(client)
    response = post_launch(client, "not-a-jwt", state)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert framed_by(response) == f"'self' {ISSUER}"


def test_over_plain_http_cookies_keep_their_defaults(launcher, sim):
    client = Client()
    state, nonce, _ = login_initiation(client)
    response = client.post(
        "/lti/launch/", {"id_token": sim.sign(sim.claims(nonce=nonce)), "state": state}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response.cookies["sessionid"]["samesite"] == "Lax"


def test_a_browser_without_cookies_gets_a_one_time_link_to_a_new_window(launcher, sim, bank):
    state, nonce, _ = login_initiation(Client())
    framed = Client()  # the frame sends no cookie at all: third-party cookies are blocked
    response = post_launch(framed, sim.sign(sim.claims(nonce=nonce)), state)
    assert response.status_code == HTTPStatus.OK
    assert "_auth_user_id" not in framed.session
    assert framed_by(response) == f"'self' {ISSUER}"
    url = response.context["url"]
    assert url.startswith("https://testserver/lti/continue/")
    assert b'target="_blank"' in response.content
    window = Client()  # the new, first-party window
    opened = window.get(url, secure=True)
    assert opened.status_code == HTTPStatus.FOUND
    assert opened["Location"] == "/study/kmod/?topic=commands%2Fmodprobe"
    assert window.get(opened["Location"], secure=True).status_code == HTTPStatus.OK
    again = Client().get(url, secure=True)
    assert again.status_code == HTTPStatus.GONE
    assert launches.HANDOFF_INVALID in again.content.decode()
    assert LaunchHandoff.objects.get().used_at is not None


def test_a_one_time_link_expires(launcher, sim, settings):
    state, nonce, _ = login_initiation(Client())
    response = post_launch(Client(), sim.sign(sim.claims(nonce=nonce)), state)
    LaunchHandoff.objects.update(expires_at=LaunchHandoff.objects.get().created_at)
    assert Client().get(response.context["url"], secure=True).status_code == HTTPStatus.GONE
