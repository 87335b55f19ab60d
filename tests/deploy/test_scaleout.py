"""Two app nodes on one PostgreSQL and one Redis agree with each other, as in production.

Starts, on loopback: a PostgreSQL cluster, a Redis, two gunicorn nodes (two sync workers each)
configured as docker-compose.yml configures them (DEBUG off, collected static files, the cache,
sessions and the RQ task queue on Redis; plain HTTP instead of the production profile's HTTPS),
the RQ task worker with compose's command, a stand-in LMS for the task to talk to, and nginx
with deploy/nginx.conf in front. Skipped when PostgreSQL, redis-server or nginx is absent; CI
(KMODQUIZ_REQUIRE_SCALEOUT) fails on that skip.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

import pytest
import redis

from tests.deploy import servers
from tests.deploy.seed import LMS_USER_ID, run_seed

# One cluster for the module: its tests stay on one xdist worker (pyproject: --dist loadgroup).
pytestmark = [pytest.mark.scaleout, pytest.mark.xdist_group("scaleout-cluster")]

# Requests a minute per user, counted across both nodes: enough for the tests that poll.
USER_RATE = 60
# More questions than the import task threshold: the import is queued, not run in the request.
IMPORTED_QUESTIONS = 6


@dataclass
class Cluster:
    nodes: list[servers.Gunicorn]
    redis_url: str
    seeded: dict[str, Any]
    lms: servers.Lms

    def token(self, learner: int) -> dict[str, str]:
        return {"Authorization": f"Token {self.seeded['learners'][learner]['token']}"}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with (
        servers.workdir("kmodquiz-scaleout-") as root,
        ThreadPoolExecutor(max_workers=1) as background,
    ):
        # Static files are collected as in production (whitenoise serves them with DEBUG off),
        # while PostgreSQL starts and migrates.
        static = root / "static"
        collected = background.submit(
            servers.manage,
            servers.app_env(f"sqlite:///{root / 'unused.sqlite3'}", STATIC_ROOT=str(static)),
            "collectstatic",
            "--noinput",
            "-v",
            "0",
        )
        with (
            servers.postgres_server(root) as postgres,
            servers.redis_server(root) as redis_url,
            servers.simulated_lms() as lms,
        ):
            env = servers.app_env(
                postgres.createdb("kmodquiz"),
                CACHE_URL=f"{redis_url}/0",
                TASKS_BACKEND="rq",
                TASKS_REDIS_URL=f"{redis_url}/1",
                SESSION_ENGINE="cached_db",
                STATIC_ROOT=str(static),
                KMODQUIZ_API_USER_RATE=f"{USER_RATE}/min",
                KMODQUIZ_IMPORT_TASK_THRESHOLD=str(IMPORTED_QUESTIONS - 1),
            )
            servers.manage(env, "migrate", "--noinput", "-v", "0")
            # The last learner studies the bank from an LMS course, with a gradebook column.
            seeded = run_seed(env, questions=12, learners=4, flashcards=True, lms=lms.url)
            collected.result()
            with (
                servers.gunicorn_nodes(env, count=2, workers=2) as nodes,
                servers.rq_worker(env, root / "worker.log"),
            ):
                yield Cluster(nodes=nodes, redis_url=redis_url, seeded=seeded, lms=lms)


def test_a_throttle_counts_the_requests_of_both_nodes(cluster):
    a, b = cluster.nodes
    headers = cluster.token(0)
    statuses = [
        servers.request(node.port, "GET", "/api/v1/ping", headers=headers).status
        for node in (a, b) * (USER_RATE // 2)
    ]
    assert statuses == [HTTPStatus.OK] * USER_RATE
    # Each node has seen only half the limit, yet both refuse the next request.
    for node in (a, b):
        refused = servers.request(node.port, "GET", "/api/v1/ping", headers=headers)
        assert refused.status == HTTPStatus.TOO_MANY_REQUESTS
        assert refused.json()["error"]["code"] == "throttled"
    # The counter is one entry in Redis, not one per process.
    user_id = cluster.seeded["learners"][0]["id"]
    keys = redis.Redis.from_url(f"{cluster.redis_url}/0").keys(f"*throttle_user_{user_id}")
    assert len(keys) == 1


def test_a_review_recorded_through_one_node_is_seen_by_the_other_at_once(cluster):
    a, b = cluster.nodes
    headers = cluster.token(1)
    bank = cluster.seeded["bank"]
    served = servers.request(a.port, "GET", f"/api/v1/banks/{bank}/study/next", headers=headers)
    card = served.json()["card"]["id"]
    key = {"Idempotency-Key": uuid.uuid4().hex}
    body = {"card": card, "answer": None, "rating": 3, "serve_token": served.json()["serve_token"]}

    recorded = servers.request(a.port, "POST", "/api/v1/reviews", body, headers={**headers, **key})
    assert recorded.status == HTTPStatus.CREATED

    seen = servers.request(b.port, "GET", f"/api/v1/cards/{card}", headers=headers).json()
    assert seen["state"]["reps"] == 1
    assert [entry["id"] for entry in seen["history"]] == [recorded.json()["review"]]
    following = servers.request(b.port, "GET", f"/api/v1/banks/{bank}/study/next", headers=headers)
    assert following.json()["card"]["id"] != card
    # The same key sent to the other node is the same review, not a second one.
    replay = servers.request(b.port, "POST", "/api/v1/reviews", body, headers={**headers, **key})
    assert replay.status == HTTPStatus.CREATED
    assert replay.headers.get("idempotent-replayed") == "true"
    assert replay.json()["review"] == recorded.json()["review"]


def test_a_task_queued_by_one_node_runs_on_the_worker(cluster):
    """A review of a learner who came from an LMS queues the task that sends their score to
    the gradebook: the node queues it in Redis, the worker sends it."""
    a, _b = cluster.nodes
    headers = cluster.token(3)
    bank = cluster.seeded["bank"]
    served = servers.request(a.port, "GET", f"/api/v1/banks/{bank}/study/next", headers=headers)
    body = {"card": served.json()["card"]["id"], "answer": None, "rating": 3}
    recorded = servers.request(
        a.port,
        "POST",
        "/api/v1/reviews",
        body,
        headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert recorded.status == HTTPStatus.CREATED

    assert _wait_until(lambda: cluster.lms.scores), "the worker sent no score to the LMS"
    [score] = cluster.lms.scores
    assert score["path"] == "/lineitems/1/scores"
    assert score["userId"] == LMS_USER_ID and score["scoreMaximum"] > 0
    assert _wait_until(lambda: _finished_jobs(cluster, b"publish_score"))


def test_a_large_import_through_one_node_runs_on_the_worker_and_shows_on_the_other(cluster):
    a, b = cluster.nodes
    headers = {"Authorization": f"Token {cluster.seeded['instructor']['token']}"}
    bank = cluster.seeded["bank"]
    bank_file = {
        "format": "kmodquiz-bank",
        "format_version": 1,
        "bank": {"slug": bank, "title": "Loopback bank"},
        "topics": [{"slug": "queued", "title": "Queued"}],
        "questions": [
            {
                "id": f"queued-{n}",
                "kind": "flashcard",
                "topics": ["queued"],
                "prompt": f"Queued question {n}",
                "explanation": "Imported by the worker.",
                "difficulty": 1,
                "source": "tests/deploy/test_scaleout.py",
                "spec": {"back": "Imported by the worker."},
            }
            for n in range(IMPORTED_QUESTIONS)
        ],
    }
    body, content_type = servers.multipart(
        {"dry_run": "true"}, {"file": ("bank.json", json.dumps(bank_file).encode())}
    )
    queued = servers.request(
        a.port,
        "POST",
        f"/api/v1/banks/{bank}/imports",
        body,
        headers={**headers, "Content-Type": content_type},
    )
    assert queued.status == HTTPStatus.ACCEPTED, queued.body
    run = f"/api/v1/banks/{bank}/imports/{queued.json()['id']}"

    def finished() -> dict[str, Any] | None:
        answer = servers.request(b.port, "GET", run, headers=headers)
        assert answer.status == HTTPStatus.OK, answer.body
        body = answer.json()
        return None if body["status"] in ("queued", "running") else body

    preview = _wait_until(finished, every=1)
    assert preview is not None, "the worker never finished the import"
    assert preview["status"] == "preview"
    assert preview["counts"]["created"] == IMPORTED_QUESTIONS
    assert _wait_until(lambda: _finished_jobs(cluster, b"import_run_task"))


def test_a_session_signed_in_on_one_node_is_valid_on_the_other(cluster):
    a, b = cluster.nodes
    learner = cluster.seeded["learners"][2]
    form = servers.request(a.port, "GET", "/accounts/login/", headers={"Accept": "text/html"})
    csrf_cookie = _cookie(form, "csrftoken")
    csrf_field = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
    assert csrf_field is not None
    signed_in = servers.request(
        b.port,
        "POST",
        "/accounts/login/",
        urlencode(
            {
                "username": learner["username"],
                "password": learner["password"],
                "csrfmiddlewaretoken": csrf_field.group(1).decode(),
            }
        ),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            "Accept": "text/html",
        },
    )
    assert signed_in.status == HTTPStatus.FOUND
    session = _cookie(signed_in, "sessionid")

    me = servers.request(
        a.port, "GET", "/api/v1/me/profile", headers={"Cookie": f"sessionid={session}"}
    )
    assert me.status == HTTPStatus.OK
    # Read from the shared cache, written through to the database.
    assert redis.Redis.from_url(f"{cluster.redis_url}/0").keys(f"*{session}")


def test_static_files_are_served_hashed_and_compressed_with_debug_off(cluster):
    a, b = cluster.nodes
    page = servers.request(a.port, "GET", "/accounts/login/", headers={"Accept": "text/html"})
    stylesheet = re.search(rb'href="(/static/quizzes/[^"]+\.[0-9a-f]{12}\.css)"', page.body)
    assert stylesheet is not None, "the page links no hashed stylesheet"

    served = servers.request(
        b.port, "GET", stylesheet.group(1).decode(), headers={"Accept-Encoding": "gzip"}
    )
    assert served.status == HTTPStatus.OK
    assert served.headers["content-encoding"] == "gzip"
    assert "immutable" in served.headers["cache-control"]


def _cookie(response: servers.Response, name: str) -> str:
    found = re.search(rf"{name}=([^;]+)", response.headers.get("set-cookie", ""))
    assert found is not None, f"no {name} cookie in {response.headers}"
    return found.group(1)


@pytest.fixture(scope="module")
def proxy(cluster) -> Iterator[servers.Proxy]:
    if servers.nginx_bin() is None:
        pytest.skip("needs nginx (apt-get install nginx-light)")
    with (
        servers.workdir("kmodquiz-proxy-") as root,
        servers.nginx_proxy(root, [node.port for node in cluster.nodes]) as running,
    ):
        yield running


def test_the_proxy_redirects_to_https_and_tells_the_nodes_the_scheme(cluster, proxy):
    plain = servers.request(proxy.http_port, "GET", "/api/v1/ping")
    assert plain.status == HTTPStatus.MOVED_PERMANENTLY
    assert plain.headers["location"].startswith("https://")

    bank = cluster.seeded["bank"]
    listed = servers.request(
        proxy.https_port,
        "GET",
        f"/api/v1/banks/{bank}/questions?page_size=1",
        headers=cluster.token(2),
        tls=True,
    )
    assert listed.status == HTTPStatus.OK
    assert listed.json()["next"].startswith("https://")


def test_the_proxy_keeps_answering_while_one_node_is_down(cluster, proxy):
    a, _b = cluster.nodes
    a.stop()
    try:
        statuses = {
            servers.request(proxy.https_port, "GET", "/healthz", tls=True).status for _ in range(8)
        }
    finally:
        a.start()
    assert statuses == {HTTPStatus.OK}


def _finished_jobs(cluster: Cluster, task: bytes) -> list[bytes]:
    """The RQ jobs of `task` that the worker finished (from the queue's registry in Redis)."""
    queue = redis.Redis.from_url(f"{cluster.redis_url}/1")
    descriptions = [
        queue.hget(f"rq:job:{job.decode()}", "description") or b""
        for job in queue.zrange("rq:finished:default", 0, -1)
    ]
    return [d for d in descriptions if task in d]


def _wait_until(check: Any, timeout: float = 45, every: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every)
