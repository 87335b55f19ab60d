"""Launch: the OIDC round trip, what a launch creates for a learner and an instructor, and
every way a launch is refused (a clear 4xx page, and nothing created)."""

from __future__ import annotations

import html
import time
from http import HTTPStatus
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from quizzes.lti import claims as c
from quizzes.lti import tool
from quizzes.lti.models import LoginState, LtiContext, LtiUser, ResourceLink, ScoreSync
from quizzes.lti.services import launch as launches
from quizzes.models import BankMembership, Course, CourseMembership, Enrollment
from tests.lti.conftest import (
    AUTH_LOGIN_URL,
    CLIENT_ID,
    DEPLOYMENT_ID,
    INSTRUCTOR_ROLE,
    ISSUER,
    LAUNCH_URL,
    login_initiation,
    post_launch,
)

pytestmark = pytest.mark.django_db


def test_login_initiation_redirects_to_the_platform_with_state_and_nonce(launcher):
    client = Client()
    state, nonce, query = login_initiation(client)
    assert query["scope"] == ["openid"] and query["response_type"] == ["id_token"]
    assert query["response_mode"] == ["form_post"] and query["prompt"] == ["none"]
    assert query["client_id"] == [CLIENT_ID] and query["redirect_uri"] == [LAUNCH_URL]
    assert query["login_hint"] == ["lms-user-17"] and query["lti_message_hint"] == ["hint-123"]
    login = LoginState.objects.get(state=state)
    assert login.nonce == nonce and login.used_at is None
    cookie = client.cookies[f"lti1p3-{state}"]
    assert cookie.value == state and cookie["samesite"] == "None" and cookie["secure"]


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"iss": "https://unknown.example"}, "Could not find registration details"),
        ({"target_link_uri": "https://evil.example/lti/launch/"}, "not on this site"),
        ({"login_hint": ""}, "Could not find login hint"),
    ],
)
def test_a_bad_login_initiation_is_refused(launcher, params, reason):
    query = {"iss": ISSUER, "login_hint": "u", "target_link_uri": LAUNCH_URL, **params}
    response = Client().get("/lti/login/", query, secure=True)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert reason in response.content.decode()
    assert not LoginState.objects.exists()


def test_a_learner_launch_signs_in_enrols_and_opens_the_study_page(launcher, bank):
    client, response = launcher.launch()
    assert response.status_code == HTTPStatus.FOUND, response.content[:500]
    assert response["Location"] == "/study/kmod/?topic=commands%2Fmodprobe"
    user = get_user_model().objects.get(lti_identities__sub="lms-user-17")
    assert (user.first_name, user.last_name, user.email) == ("Ada", "Lovelace", "ada@example.edu")
    assert Enrollment.objects.filter(learner=user, bank=bank).exists()
    course = Course.objects.get()
    assert (course.title, course.label, course.external_id) == (
        "Kernel modules 101",
        "KMOD101",
        "course-7",
    )
    assert list(course.banks.all()) == [bank]
    membership = CourseMembership.objects.get(course=course, user=user)
    assert membership.role == "learner" and membership.left_at is None
    link = ResourceLink.objects.get()
    assert link.bank == bank and [t.slug for t in link.topics.all()] == ["commands/modprobe"]
    assert ScoreSync.objects.filter(link=link, learner=user, lti_user_id="lms-user-17").exists()
    page = client.get(response["Location"], secure=True)
    assert page.status_code == HTTPStatus.OK
    assert int(client.session["_auth_user_id"]) == user.pk


def test_the_session_cookie_of_a_launch_is_sent_cross_site(launcher):
    client, response = launcher.launch()
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["samesite"] == "None" and session_cookie["secure"]


def test_an_instructor_launch_teaches_the_bank_and_opens_the_course_page(launcher, bank):
    client, response = launcher.launch(role=INSTRUCTOR_ROLE, sub="lms-teacher-1")
    course = Course.objects.get()
    assert response["Location"] == f"/lti/courses/{course.pk}/"
    user = get_user_model().objects.get(lti_identities__sub="lms-teacher-1")
    assert BankMembership.objects.filter(bank=bank, user=user, role="instructor").exists()
    assert CourseMembership.objects.get(user=user).role == "instructor"
    assert not Enrollment.objects.filter(learner=user).exists()
    assert not ScoreSync.objects.exists()
    page = client.get(response["Location"], secure=True)
    assert page.status_code == HTTPStatus.OK and b"Kernel modules 101" in page.content


def test_a_second_launch_links_the_same_user_and_refreshes_the_name(launcher, sim):
    launcher.launch()
    users = get_user_model().objects.count()
    client = Client()
    state, nonce, _ = login_initiation(client)
    body = sim.claims(nonce=nonce)
    body["given_name"], body["email"] = "Augusta", "augusta@example.edu"
    assert post_launch(client, sim.sign(body), state).status_code == HTTPStatus.FOUND
    user = LtiUser.objects.get().user
    assert (user.first_name, user.email) == ("Augusta", "augusta@example.edu")
    assert get_user_model().objects.count() == users and Course.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ([INSTRUCTOR_ROLE], "instructor"),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper"], "instructor"),
        (["http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"], "instructor"),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"], "learner"),
        (["Learner"], "learner"),
        # Canvas sends institution roles too: the course's own roles decide.
        (
            [
                "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor",
                "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
            ],
            "learner",
        ),
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"],
            "learner",
        ),
        ([], "learner"),
    ],
)
def test_roles_map_to_instructor_or_learner(role, expected):
    assert c.role_of(role) == expected


# --- refusals ------------------------------------------------------------------------------------

COUNTED = [
    get_user_model(),
    LtiUser,
    LtiContext,
    Course,
    CourseMembership,
    Enrollment,
    BankMembership,
    ResourceLink,
    ScoreSync,
]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def _without(body: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in names}


def _expired(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}


# (name, how to make the token from (sim, claims), reason shown)
REFUSALS = [
    ("alg none", lambda s, b: s.sign_unsafe(b, alg="none"), "requires an RSA signature"),
    (
        "HS256 keyed with the platform's public key",
        lambda s, b: s.sign_unsafe(b, alg="HS256", secret=s.public_pem),
        "requires an RSA signature",
    ),
    ("unknown kid", lambda s, b: s.sign(b, kid="someone-else"), "Unable to find public key"),
    ("wrong iss", lambda s, b: s.sign({**b, "iss": "https://evil.example"}), "Registration"),
    ("wrong aud", lambda s, b: s.sign({**b, "aud": "another-tool"}), "Registration not found"),
    ("wrong azp", lambda s, b: s.sign({**b, "azp": "another-tool"}), '"azp"'),
    (
        "several audiences without azp",
        lambda s, b: s.sign(_without({**b, "aud": [CLIENT_ID, "x"]}, "azp")),
        '"azp"',
    ),
    (
        "wrong deployment id",
        lambda s, b: s.sign({**b, c.DEPLOYMENT_ID: "deployment-9"}),
        "deployment ID",
    ),
    ("expired", lambda s, b: s.sign(_expired(b)), "expired"),
    (
        "issued in the future",
        lambda s, b: s.sign({**b, "iat": int(time.time()) + 3600}),
        "in the future",
    ),
    ("missing nonce", lambda s, b: s.sign(_without(b, "nonce")), "nonce"),
    ("another login's nonce", lambda s, b: s.sign({**b, "nonce": "n" * 40}), "nonce"),
    ("missing exp", lambda s, b: s.sign(_without(b, "exp")), '"exp"'),
    ("missing iat", lambda s, b: s.sign(_without(b, "iat")), '"iat"'),
    ("missing sub", lambda s, b: s.sign(_without(b, "sub")), '"sub"'),
    ("missing roles", lambda s, b: s.sign(_without(b, c.ROLES)), "Roles"),
    ("missing message type", lambda s, b: s.sign(_without(b, c.MESSAGE_TYPE)), "message type"),
    (
        "wrong LTI version",
        lambda s, b: s.sign({**b, "https://purl.imsglobal.org/spec/lti/claim/version": "1.1"}),
        "version",
    ),
    ("missing resource link", lambda s, b: s.sign(_without(b, c.RESOURCE_LINK)), "Resource Link"),
    ("missing deployment id", lambda s, b: s.sign(_without(b, c.DEPLOYMENT_ID)), "deployment_id"),
    (
        "unsupported message",
        lambda s, b: s.sign({**b, c.MESSAGE_TYPE: "LtiSubmissionReviewRequest"}),
        "",
    ),
    ("not a JWT", lambda s, b: "not-a-jwt", "3 parts"),
]


@pytest.mark.parametrize(("make", "reason"), [pytest.param(m, r, id=n) for n, m, r in REFUSALS])
def test_a_bad_id_token_is_refused_and_creates_nothing(launcher, sim, make, reason):
    client = Client()
    state, nonce, _ = login_initiation(client)
    before = _counts()
    response = post_launch(client, make(sim, sim.claims(nonce=nonce)), state)
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content[:400]
    text = html.unescape(response.content.decode())
    assert "The launch was refused" in text and reason in text
    assert _counts() == before
    assert LoginState.objects.get(state=state).used_at is None  # the nonce is not spent
    assert "_auth_user_id" not in client.session


def test_a_replayed_launch_is_refused(launcher, sim):
    client = Client()
    state, nonce, _ = login_initiation(client)
    token = sim.sign(sim.claims(nonce=nonce))
    assert post_launch(client, token, state).status_code == HTTPStatus.FOUND
    before = _counts()
    again = post_launch(Client(), token, state)  # an eavesdropper, or a double post
    replay = post_launch(client, token, state)
    assert again.status_code == replay.status_code == HTTPStatus.BAD_REQUEST
    assert tool.NONCE_REPLAYED in replay.content.decode()
    assert _counts() == before


@pytest.mark.parametrize(
    ("state_of", "reason"),
    [
        ("other", tool.STATE_MISMATCH),  # the browser's cookie is for another login
        ("unknown", tool.STATE_UNKNOWN),
        ("missing", tool.STATE_MISSING),
    ],
)
def test_a_wrong_state_is_refused(launcher, sim, state_of, reason):
    client = Client()
    state, nonce, _ = login_initiation(client)
    login_initiation(client)  # another login: its state cookie stays in the browser
    before = _counts()
    token = sim.sign(sim.claims(nonce=nonce))
    sent = {"other": state, "unknown": "state-made-up", "missing": ""}[state_of]
    client.cookies.pop(f"lti1p3-{state}")
    response = post_launch(client, token, sent)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert reason in response.content.decode()
    assert _counts() == before


def test_a_launch_is_refused_for_a_login_started_by_another_platform(launcher, sim):
    client = Client()
    state, nonce, _ = login_initiation(client)
    before = _counts()
    # Another registration of the same platform, same key: its token cannot answer our login.
    from quizzes.lti.services.platforms import platform_register

    platform_register(
        issuer=ISSUER,
        client_id="client-2",
        deployment_ids=[DEPLOYMENT_ID],
        auth_login_url=AUTH_LOGIN_URL,
        auth_token_url=AUTH_LOGIN_URL,
        key_set=sim.jwks(),
    )
    token = sim.sign({**sim.claims(nonce=nonce), "aud": "client-2", "azp": "client-2"})
    response = post_launch(client, token, state)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert tool.PLATFORM_MISMATCH in response.content.decode()
    assert _counts() == before


def test_a_learner_launch_of_an_activity_without_a_bank_is_refused(launcher):
    before = _counts()
    _client, response = launcher.launch(custom={})
    assert response.status_code == HTTPStatus.CONFLICT
    assert launches.NOT_SET_UP in response.content.decode()
    assert _counts() == before


def test_a_learner_cannot_make_deep_links(launcher):
    before = _counts()
    _client, response = launcher.launch(message=c.DEEP_LINKING_REQUEST)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert launches.ONLY_INSTRUCTORS_LINK in response.content.decode()
    assert _counts() == before


def test_an_instructor_binds_an_activity_made_without_deep_linking(launcher, bank):
    client, response = launcher.launch(role=INSTRUCTOR_ROLE, custom={})
    link = ResourceLink.objects.get()
    assert response["Location"] == f"/lti/links/{link.pk}/"
    page = client.post(
        response["Location"], {"bank": "kmod", "topics": [], "title": "All of it"}, secure=True
    )
    assert page.status_code == HTTPStatus.FOUND
    link.refresh_from_db()
    assert link.bank == bank and not link.topics.exists()
    # Now learners get in.
    _learner, learner_launch = launcher.launch(custom={}, sub="lms-user-99")
    assert learner_launch["Location"] == "/study/kmod/?topic="


def test_a_launch_with_the_platform_key_set_in_a_file_needs_no_fetch(launcher, sim, platform):
    platform.key_set_url, platform.key_set = "", sim.jwks()
    platform.save()
    sim.mocks.reset()  # nothing is served: a fetch would fail
    _client, response = launcher.launch()
    assert response.status_code == HTTPStatus.FOUND


def test_a_rotated_platform_key_is_fetched_again(launcher, sim):
    launcher.launch()  # caches the key set
    sim.kid = "platform-key-2"
    sim.mocks.replace("GET", "https://lms.example.edu/mod/lti/certs.php", json=sim.jwks())
    _client, response = launcher.launch(sub="lms-user-2")
    assert response.status_code == HTTPStatus.FOUND


def test_login_states_are_single_use_rows_with_unique_nonces():
    constraints = {f.name: f.unique for f in LoginState._meta.fields}
    assert constraints["state"] and constraints["nonce"]


def test_two_registrations_of_one_platform_share_its_users(launcher, sim):
    from quizzes.lti.services.platforms import platform_register

    launcher.launch()
    platform_register(
        issuer=ISSUER,
        client_id="client-2",
        deployment_ids=[DEPLOYMENT_ID],
        auth_login_url=AUTH_LOGIN_URL,
        auth_token_url=AUTH_LOGIN_URL,
        key_set=sim.jwks(),
    )
    client = Client()
    state, nonce, _ = login_initiation(client, client_id="client-2")
    token = sim.sign({**sim.claims(nonce=nonce), "aud": "client-2", "azp": "client-2"})
    assert post_launch(client, token, state).status_code == HTTPStatus.FOUND
    assert LtiUser.objects.count() == 1
    assert int(client.session["_auth_user_id"]) == LtiUser.objects.get().user_id
