#!/usr/bin/env python
"""Throughput of the REST API's study loop against a minimal authenticated endpoint.

Starts gunicorn (2 sync workers) on 127.0.0.1 against a throwaway database, authenticates with
API tokens, and drives the study loop — `GET /api/v1/banks/{slug}/study/next` then
`POST /api/v1/reviews`, each counted as one request — for a fixed number of requests; then the
same number of `GET /api/v1/ping` (same authentication, one indexed SELECT). Prints requests per
second for both and the ratio, on SQLite and on PostgreSQL (skipped, with a message, when the
PostgreSQL binaries are absent). Target: the study loop at >= 50% of the baseline.

    .venv/bin/python bench/api_throughput.py                  # both databases
    .venv/bin/python bench/api_throughput.py --db sqlite --requests 4000 --clients 8

PostgreSQL runs with synchronous_commit=off, the counterpart of SQLite's WAL with
synchronous=NORMAL that the settings use: a crash may lose the last commits, never corrupt.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BANK_SLUG = "bench-bank"
# Reviews due per learner at the start (the default daily review limit).
REVIEW_BACKLOG = 200
# Steps one learner can study today: the backlog, 20 new cards, and a margin of learning steps.
STEPS_PER_LEARNER = REVIEW_BACKLOG + 20
KINDS = [
    "single_choice",
    "multiple_choice",
    "true_false",
    "short_answer",
    "shell_command",
    "cloze",
    "ordering",
    "matching",
    "flashcard",
]


# --- the throwaway databases --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def sqlite_database(workdir: Path) -> Iterator[str]:
    yield f"sqlite:///{workdir / 'bench.sqlite3'}"


def postgres_bin() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return candidates[-1].parent if candidates else None


@contextmanager
def postgres_database(workdir: Path) -> Iterator[str]:
    """A private PostgreSQL server in `workdir`, run as the postgres user when we are root."""
    pgbin = postgres_bin()
    assert pgbin is not None
    data = workdir / "pg"
    data.mkdir()
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
        shutil.chown(data, "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    run = lambda *args: subprocess.run(  # noqa: E731
        [*as_postgres, *args], check=True, capture_output=True, text=True
    )
    run(str(pgbin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    options = (
        f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c synchronous_commit=off "
        "-c max_connections=50"
    )
    run(
        str(pgbin / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(workdir / "pg.log"),
        "-o",
        options,
        "-w",
        "start",
    )
    try:
        run(str(pgbin / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "bench")
        yield f"postgres://postgres@127.0.0.1:{port}/bench"
    finally:
        run(str(pgbin / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")


# --- seeding (runs in a child process, so each database gets its own Django setup) ------------


def seed(questions: int, learners: int) -> dict[str, Any]:
    """A bank of mixed kinds; learners with the default daily limits (20 new, 200 reviews), each
    starting with a morning's backlog of reviews due; a token for each."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kmodquiz.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from quizzes.importers.base import ParsedBank, ParsedQuestion, ParsedTopic
    from quizzes.models import Bank, Card, CardState, CardStatus
    from quizzes.services import bank_import, enroll
    from quizzes.services.accounts import api_token_create
    from tests.factories import spec_for  # the tests' valid spec of each kind

    now = timezone.now()
    topics = [ParsedTopic(f"t{i}", f"Topic {i}") for i in range(5)]
    parsed = ParsedBank(
        slug=BANK_SLUG,
        title="Benchmark bank",
        topics=topics,
        questions=[
            ParsedQuestion(
                external_id=f"q{n:05d}",
                kind=KINDS[n % len(KINDS)],
                prompt=f"Question **{n}**: which `modprobe` option?",
                explanation="Because `modprobe(8)` says so.",
                spec=spec_for(KINDS[n % len(KINDS)], n),
                topics=(topics[n % len(topics)].slug,),
            )
            for n in range(questions)
        ],
    )
    bank_import(parsed=parsed, user=None, now=now)
    bank = Bank.objects.get(slug=BANK_SLUG)
    card_ids = list(Card.objects.filter(bank=bank).order_by("id").values_list("id", flat=True))
    tokens = []
    for i in range(learners):
        user = get_user_model().objects.create_user(f"bench{i}", password="unused-password")
        enroll(learner=user, bank=bank)
        CardState.objects.bulk_create(
            CardState(
                learner=user,
                card_id=card_id,
                bank=bank,
                status=CardStatus.REVIEW,
                stability=12.0,
                difficulty=5.0,
                due=now - timedelta(minutes=n + 1),
                last_review=now - timedelta(days=12),
                reps=4,
            )
            for n, card_id in enumerate(card_ids[-REVIEW_BACKLOG:])
        )
        _scope, text = api_token_create(user=user, now=now, name="bench")
        tokens.append(text)
    return {"tokens": tokens}


# --- the server ---------------------------------------------------------------------------------


def server_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "KMODQUIZ_API_USER_RATE": "100000000/min",  # measure the work, not the 429s
        "LOG_LEVEL": "ERROR",
        # whitenoise warns once per worker that STATIC_ROOT was never collected: no static here.
        "PYTHONWARNINGS": "ignore:No directory at",
    }


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int) -> Iterator[None]:
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "kmodquiz.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group: stopped with its workers below
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError("gunicorn exited at start") from None
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start listening within 30 s")
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


# --- the clients --------------------------------------------------------------------------------


class Client:
    """One thread's HTTP client, studying as one learner after another (each learner's day
    ends when their queue is empty). gunicorn's sync workers close every connection."""

    def __init__(self, port: int, tokens: list[str]) -> None:
        self.port = port
        self.tokens = list(tokens)
        self.headers = {"Authorization": f"Token {self.tokens.pop(0)}"}

    def next_learner(self) -> None:
        if not self.tokens:
            raise RuntimeError("every learner's queue ran dry: seed more learners")
        self.headers = {"Authorization": f"Token {self.tokens.pop(0)}"}

    def request(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            payload = None if body is None else json.dumps(body)
            all_headers = {**self.headers, "Accept": "application/json", **headers}
            if payload is not None:
                all_headers["Content-Type"] = "application/json"
            conn.request(method, path, body=payload, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
        return json.loads(data) if data else None


def answer_for(card: dict[str, Any]) -> tuple[Any, int | None]:
    """A plausible answer of the right shape (often wrong, which is realistic too)."""
    fmt = card["answer_format"]
    if fmt == "none":
        return None, 3
    return {
        "option_id": lambda: card["options"][0]["id"],
        "option_ids": lambda: [card["options"][0]["id"]],
        "boolean": lambda: True,
        "text": lambda: "modules.dep",
        "command_line": lambda: "modprobe -r snd_hda_intel",
        "blanks": lambda: {b["key"]: "modprobe" for b in card["cloze"]["blanks"]},
        "item_ids": lambda: [i["id"] for i in card["items"]],
        "pairs": lambda: {
            left["id"]: right["id"]
            for left, right in zip(card["left"], card["right"], strict=False)
        },
    }[fmt](), None


def drive(clients: list[Client], total: int, step: Callable[[Client], int]) -> float:
    """Run `step` on every client concurrently until `total` requests are done; requests/s."""
    lock = threading.Lock()
    done = [0]
    failures: list[BaseException] = []

    def worker(client: Client) -> None:
        try:
            while True:
                with lock:
                    if done[0] >= total:
                        return
                n = step(client)
                with lock:
                    done[0] += n
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise failures[0]
    return done[0] / elapsed


def study_step(client: Client) -> int:
    nxt = client.request("GET", f"/api/v1/banks/{BANK_SLUG}/study/next")
    if nxt["card"] is None:
        client.next_learner()
        return 1
    answer, rating = answer_for(nxt["card"])
    body = {
        "card": nxt["card"]["id"],
        "answer": answer,
        "rating": rating,
        "serve_token": nxt["serve_token"],
    }
    client.request("POST", "/api/v1/reviews", body, **{"Idempotency-Key": uuid.uuid4().hex})
    return 2


def ping_step(client: Client) -> int:
    client.request("GET", "/api/v1/ping")
    return 1


# --- one database -------------------------------------------------------------------------------


def run_one(name: str, database: Callable[[Path], Any], args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix=f"kmodquiz-bench-{name}-") as tmp:
        workdir = Path(tmp)
        os.chmod(workdir, 0o755)
        with database(workdir) as url:
            env = server_env(url)
            subprocess.run(
                [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
                cwd=ROOT,
                env=env,
                check=True,
            )
            steps = (args.requests + args.warmup) // 2
            learners = args.clients * (2 + steps // (STEPS_PER_LEARNER * args.clients))
            seeded = subprocess.run(
                [PYTHON, __file__, "--seed", str(max(args.requests, 400)), str(learners)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            tokens = json.loads(seeded.stdout.strip().splitlines()[-1])["tokens"]
            port = free_port()
            with gunicorn(env, port, args.workers):
                shares = [tokens[i :: args.clients] for i in range(args.clients)]
                clients = [Client(port, share) for share in shares]
                drive(clients, args.warmup, ping_step)  # warm both workers' imports and caches
                drive(clients, args.warmup, study_step)
                # Alternate rounds, so that a noisy neighbour slows both endpoints alike.
                per_round = args.requests // args.rounds
                studies, pings = [], []
                for _ in range(args.rounds):
                    studies.append(drive(clients, per_round, study_step))
                    pings.append(drive(clients, per_round, ping_step))
    study, ping = statistics.median(studies), statistics.median(pings)
    ratio = study / ping
    verdict = "meets" if ratio >= 0.5 else "misses"
    print(
        f"{name:<10} study loop {study:7.1f} req/s   baseline {ping:7.1f} req/s   "
        f"ratio {ratio:5.1%} ({verdict} the 50% target)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=2000, help="per endpoint (default 2000)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent learners (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds (median)")
    parser.add_argument(
        "--seed", nargs=2, type=int, metavar=("QUESTIONS", "LEARNERS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.seed:
        print(json.dumps(seed(*args.seed)))
        return
    print(
        f"gunicorn {args.workers} workers, {args.clients} clients, {args.requests} requests per "
        "endpoint, token authentication",
        flush=True,
    )
    if args.db in ("sqlite", "both"):
        run_one("SQLite", sqlite_database, args)
    if args.db in ("postgres", "both"):
        if postgres_bin() is None:
            print("PostgreSQL  skipped: no binaries under /usr/lib/postgresql/*/bin", flush=True)
        else:
            run_one("PostgreSQL", postgres_database, args)


if __name__ == "__main__":
    main()
