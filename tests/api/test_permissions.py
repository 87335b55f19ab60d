"""Every endpoint × every role: who gets what status, and 404 for what they may not see.

Roles (tests/api/conftest.py): anonymous; the learner enrolled in the private bank `kmod`;
another learner (enrolled elsewhere); the bank's instructor (its owner); the instructor of
another bank; the learner again, through a token limited to the public bank `other` (it must
see and change nothing outside it). Everyone authenticates with an API token, as apps do.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest
from django.urls import resolve

from quizzes.api.urls import urlpatterns
from quizzes.services import accounts, imports
from tests.api.conftest import ROLES, World, token_client
from tests.importers.test_native import bank_doc, question

pytestmark = pytest.mark.django_db

OK, CREATED, NO_CONTENT = HTTPStatus.OK, HTTPStatus.CREATED, HTTPStatus.NO_CONTENT
BAD, UNAUTH, FORBIDDEN = HTTPStatus.BAD_REQUEST, HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN
NOT_FOUND, CONFLICT = HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT
ACCEPTED = HTTPStatus.ACCEPTED
UNSUPPORTED = HTTPStatus.UNSUPPORTED_MEDIA_TYPE

Path = Callable[[World], str]
Body = Callable[[World], Any] | None


def question_body(external_id: str = "api-q1") -> dict[str, Any]:
    return {
        "external_id": external_id,
        "kind": "true_false",
        "prompt": "`modprobe` resolves dependencies.",
        "explanation": "It reads modules.dep.",
        "spec": {"correct": True},
        "difficulty": 1,
        "source": "modprobe(8)",
        "topics": ["commands"],
    }


def preview_run_id(w: World) -> int:
    """A previewed import into `kmod` (by its owner), waiting to be applied."""
    document = bank_doc([question("api-imported", "true_false", topics=["commands"])])
    document["bank"]["slug"] = "kmod"
    document["topics"] = [{"slug": "commands", "title": "Commands"}]
    run = imports.import_submit(
        user=w.instructor,
        data=json.dumps(document).encode(),
        filename="kmod.json",
        now=w.now,
        slug="kmod",
        dry_run=True,
    )
    return run.pk


def learner_token_id(w: World) -> int:
    scope, _text = accounts.api_token_create(user=w.learner, now=w.now)
    return scope.pk


# (name, method, path, body, statuses for anonymous, learner, other learner, instructor,
#  other instructor, the learner through a token limited to the public bank `other`)
ENDPOINTS: list[tuple[str, str, Path, Body, tuple[int, ...]]] = [
    ("ping", "get", lambda w: "/api/v1/ping", None, (UNAUTH, OK, OK, OK, OK, OK)),
    ("tokens list", "get", lambda w: "/api/v1/tokens", None, (UNAUTH, OK, OK, OK, OK, OK)),
    (
        "tokens create",
        "post",
        lambda w: "/api/v1/tokens",
        lambda w: {"name": "app"},
        (UNAUTH, CREATED, CREATED, CREATED, CREATED, BAD),
    ),
    (
        "token revoke",
        "delete",
        lambda w: f"/api/v1/tokens/{learner_token_id(w)}",
        None,
        (UNAUTH, NO_CONTENT, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    ("banks list", "get", lambda w: "/api/v1/banks", None, (UNAUTH, OK, OK, OK, OK, OK)),
    (
        "bank create",
        "post",
        lambda w: "/api/v1/banks",
        lambda w: {"slug": "new-bank", "title": "New"},
        (UNAUTH, FORBIDDEN, FORBIDDEN, CREATED, CREATED, FORBIDDEN),
    ),
    (
        "bank detail",
        "get",
        lambda w: "/api/v1/banks/kmod",
        None,
        (UNAUTH, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
    ),
    (
        "bank update",
        "patch",
        lambda w: "/api/v1/banks/kmod",
        lambda w: {"title": "Modules"},
        (UNAUTH, FORBIDDEN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
    ),
    (
        "bank delete",
        "delete",
        lambda w: "/api/v1/banks/kmod",
        None,
        (UNAUTH, FORBIDDEN, NOT_FOUND, NO_CONTENT, NOT_FOUND, NOT_FOUND),
    ),
    (
        "topics list",
        "get",
        lambda w: "/api/v1/banks/kmod/topics",
        None,
        (UNAUTH, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
    ),
    (
        "topic create",
        "post",
        lambda w: "/api/v1/banks/kmod/topics",
        lambda w: {"slug": "locking", "title": "Locking"},
        (UNAUTH, FORBIDDEN, NOT_FOUND, CREATED, NOT_FOUND, NOT_FOUND),
    ),
    (
        "questions list",
        "get",
        lambda w: "/api/v1/banks/kmod/questions",
        None,
        (UNAUTH, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
    ),
    (
        "question create",
        "post",
        lambda w: "/api/v1/banks/kmod/questions",
        lambda w: question_body(),
        (UNAUTH, FORBIDDEN, NOT_FOUND, CREATED, NOT_FOUND, NOT_FOUND),
    ),
    (
        "question detail",
        "get",
        lambda w: f"/api/v1/questions/{w.question.pk}",
        None,
        (UNAUTH, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
    ),
    (
        "question replace",
        "put",
        lambda w: f"/api/v1/questions/{w.question.pk}",
        lambda w: {k: v for k, v in question_body().items() if k != "external_id"},
        (UNAUTH, FORBIDDEN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
    ),
    (
        "question update",
        "patch",
        lambda w: f"/api/v1/questions/{w.question.pk}",
        lambda w: {"prompt": "Which tool?"},
        (UNAUTH, FORBIDDEN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
    ),
    (
        "question delete",
        "delete",
        lambda w: f"/api/v1/questions/{w.question.pk}",
        None,
        (UNAUTH, FORBIDDEN, NOT_FOUND, NO_CONTENT, NOT_FOUND, NOT_FOUND),
    ),
    (
        "report create",
        "post",
        lambda w: f"/api/v1/questions/{w.question.pk}/reports",
        lambda w: {"text": "Typo in option b."},
        (UNAUTH, CREATED, NOT_FOUND, CREATED, NOT_FOUND, NOT_FOUND),
    ),
    (
        "reports list",
        "get",
        lambda w: "/api/v1/banks/kmod/reports",
        None,
        (UNAUTH, FORBIDDEN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
    ),
    (
        "report resolve",
        "post",
        lambda w: f"/api/v1/reports/{w.report.pk}/resolve",
        lambda w: {"resolution": "Fixed."},
        (UNAUTH, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
    ),
    (
        "my enrolment",
        "get",
        lambda w: "/api/v1/banks/kmod/enrollment",
        None,
        (UNAUTH, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    (
        "enrol",
        "post",
        lambda w: "/api/v1/banks/kmod/enrollment",
        None,
        (UNAUTH, OK, NOT_FOUND, CREATED, NOT_FOUND, NOT_FOUND),
    ),
    (
        "enrolment limits",
        "patch",
        lambda w: "/api/v1/banks/kmod/enrollment",
        lambda w: {"new_per_day": 5},
        (UNAUTH, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    (
        "unenrol",
        "delete",
        lambda w: "/api/v1/banks/kmod/enrollment",
        None,
        (UNAUTH, NO_CONTENT, NOT_FOUND, NO_CONTENT, NOT_FOUND, NOT_FOUND),
    ),
    (
        "enrolments list",
        "get",
        lambda w: "/api/v1/banks/kmod/enrollments",
        None,
        (UNAUTH, FORBIDDEN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
    ),
    (
        "bulk enrol",
        "post",
        lambda w: "/api/v1/banks/kmod/enrollments",
        lambda w: {"users": ["other_learner"]},
        (UNAUTH, FORBIDDEN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
    ),
    (
        "my enrolments",
        "get",
        lambda w: "/api/v1/me/enrollments",
        None,
        (UNAUTH, OK, OK, OK, OK, OK),
    ),
    (
        "bank progress",
        "get",
        lambda w: "/api/v1/banks/kmod/progress",
        None,
        (UNAUTH, FORBIDDEN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
    ),
    (
        "bank item analysis",
        "get",
        lambda w: "/api/v1/banks/kmod/analysis",
        None,
        (UNAUTH, FORBIDDEN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
    ),
    (
        "study next",
        "get",
        lambda w: "/api/v1/banks/kmod/study/next",
        None,
        (UNAUTH, OK, NOT_FOUND, FORBIDDEN, NOT_FOUND, NOT_FOUND),
    ),
    (
        "answer check",
        "post",
        lambda w: f"/api/v1/cards/{w.card.pk}/answer",
        lambda w: {"answer": "a"},
        (UNAUTH, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    (
        "review",
        "post",
        lambda w: "/api/v1/reviews",
        lambda w: {"card": w.card.pk, "answer": "a"},
        (UNAUTH, CREATED, BAD, BAD, BAD, BAD),
    ),
    (
        "undo",
        "post",
        lambda w: "/api/v1/reviews/undo",
        lambda w: {},
        (UNAUTH, OK, CONFLICT, CONFLICT, CONFLICT, CONFLICT),
    ),
    (
        "card detail",
        "get",
        lambda w: f"/api/v1/cards/{w.card.pk}",
        None,
        (UNAUTH, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    *[
        (
            f"card {action}",
            "post",
            (lambda a: lambda w: f"/api/v1/cards/{w.card.pk}/{a}")(action),
            None,
            (UNAUTH, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
        )
        for action in ("suspend", "unsuspend", "bury", "reset")
    ],
    ("courses list", "get", lambda w: "/api/v1/courses", None, (UNAUTH, OK, OK, OK, OK, OK)),
    (
        "course progress",
        "get",
        lambda w: f"/api/v1/courses/{w.course.pk}/progress",
        None,
        (UNAUTH, FORBIDDEN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
    ),
    (
        "imports list",
        "get",
        lambda w: "/api/v1/banks/kmod/imports",
        None,
        (UNAUTH, FORBIDDEN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
    ),
    (
        "imports create (JSON, not multipart)",
        "post",
        lambda w: "/api/v1/banks/kmod/imports",
        lambda w: {"format": "native"},
        (UNAUTH, FORBIDDEN, NOT_FOUND, UNSUPPORTED, NOT_FOUND, NOT_FOUND),
    ),
    (
        "import detail",
        "get",
        lambda w: f"/api/v1/banks/kmod/imports/{preview_run_id(w)}",
        None,
        (UNAUTH, FORBIDDEN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
    ),
    (
        "import apply",
        "post",
        lambda w: f"/api/v1/banks/kmod/imports/{preview_run_id(w)}/apply",
        None,
        (UNAUTH, FORBIDDEN, NOT_FOUND, CREATED, NOT_FOUND, NOT_FOUND),
    ),
    (
        "export",
        "get",
        lambda w: "/api/v1/banks/kmod/exports/native",
        None,
        (UNAUTH, FORBIDDEN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
    ),
    ("my progress", "get", lambda w: "/api/v1/me/progress", None, (UNAUTH, OK, OK, OK, OK, OK)),
    ("my reviews", "get", lambda w: "/api/v1/me/reviews", None, (UNAUTH, OK, OK, OK, OK, OK)),
    ("my cards", "get", lambda w: "/api/v1/me/cards", None, (UNAUTH, OK, OK, OK, OK, OK)),
    (
        "my cards in bulk",
        "post",
        lambda w: "/api/v1/me/cards/bulk",
        lambda w: {"action": "suspend", "cards": [w.card.pk]},
        (UNAUTH, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    ),
    ("my profile", "get", lambda w: "/api/v1/me/profile", None, (UNAUTH, OK, OK, OK, OK, OK)),
    (
        "profile update",
        "patch",
        lambda w: "/api/v1/me/profile",
        lambda w: {"day_start_hour": 5},
        (UNAUTH, OK, OK, OK, OK, FORBIDDEN),
    ),
    (
        "my data",
        "get",
        lambda w: "/api/v1/me/export",
        None,
        (UNAUTH, OK, OK, OK, OK, FORBIDDEN),
    ),
    (
        "delete account",
        "post",
        lambda w: "/api/v1/me/delete",
        lambda w: {"password": "not-the-password"},
        (UNAUTH, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ),
    (
        "my parameters",
        "get",
        lambda w: "/api/v1/me/optimise",
        None,
        (UNAUTH, OK, OK, OK, OK, FORBIDDEN),
    ),
    (
        "optimise",
        "post",
        lambda w: "/api/v1/me/optimise",
        None,
        (UNAUTH, *[ACCEPTED] * 4, FORBIDDEN),
    ),
    ("schema", "get", lambda w: "/api/schema/", None, (OK, OK, OK, OK, OK, OK)),
]

CASES = [
    pytest.param(method, path, body, role, expected[i], id=f"{name}-{role}")
    for name, method, path, body, expected in ENDPOINTS
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), CASES)
def test_endpoint_answers_each_role(world, client_as, method, path, body, role, expected):
    client = client_as(role)
    response = getattr(client, method)(
        path(world), body(world) if body else None, format="json", HTTP_IDEMPOTENCY_KEY="perm-1"
    )
    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        error = response.json()["error"]
        assert set(error) == {"code", "message", "fields"} and error["message"]


def test_the_table_covers_every_api_route(world):
    covered = {resolve(path(world)).url_name for _n, _m, path, _b, _e in ENDPOINTS}
    routes = {p.name for p in urlpatterns} - {"api-docs", "api-not-found"}
    assert routes - covered == set()


def test_an_instructor_by_membership_may_change_the_bank(world, client_as):
    member = token_client(world.member, now=world.now)
    assert member.patch("/api/v1/banks/kmod", {"title": "T"}, format="json").status_code == OK
    assert member.get("/api/v1/banks/kmod/reports").status_code == OK


def test_lists_hold_only_what_the_caller_may_see(world, client_as):
    other = client_as("other_learner")
    assert [b["slug"] for b in other.get("/api/v1/banks").json()["results"]] == ["other"]
    assert other.get("/api/v1/me/reviews").json()["results"] == []
    learner = client_as("learner")
    reviews = learner.get("/api/v1/me/reviews").json()["results"]
    assert [r["card"] for r in reviews] == [world.card.pk]
    slugs = [b["slug"] for b in learner.get("/api/v1/banks").json()["results"]]
    assert slugs == ["kmod", "other"]  # the private bank it is enrolled in, and a public one
