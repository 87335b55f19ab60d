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
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.deploy import servers  # noqa: E402
from tests.deploy.seed import BANK_SLUG, review_for, run_seed  # noqa: E402

# Reviews due per learner at the start (the default daily review limit).
REVIEW_BACKLOG = 200
# Steps one learner can study today: the backlog, 20 new cards, and a margin of learning steps.
STEPS_PER_LEARNER = REVIEW_BACKLOG + 20


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
    body = review_for(nxt)
    client.request("POST", "/api/v1/reviews", body, **{"Idempotency-Key": uuid.uuid4().hex})
    return 2


def ping_step(client: Client) -> int:
    client.request("GET", "/api/v1/ping")
    return 1


# --- one database -------------------------------------------------------------------------------


@contextmanager
def sqlite_database(workdir: Path) -> Iterator[str]:
    yield f"sqlite:///{workdir / 'bench.sqlite3'}"


@contextmanager
def postgres_database(workdir: Path) -> Iterator[str]:
    # synchronous_commit=off is PostgreSQL's counterpart of SQLite's WAL with synchronous=NORMAL
    # (as the settings use): a crash may lose the last commits, never corrupt.
    with servers.postgres_server(
        workdir, options="-c synchronous_commit=off -c max_connections=50"
    ) as postgres:
        yield postgres.createdb("bench")


def run_one(name: str, database: Callable[[Path], Any], args: argparse.Namespace) -> None:
    with servers.workdir(f"kmodquiz-bench-{name}-") as workdir, database(workdir) as url:
        env = servers.app_env(url, KMODQUIZ_API_USER_RATE="100000000/min")  # no 429s
        servers.manage(env, "migrate", "--noinput", "-v", "0")
        steps = (args.requests + args.warmup) // 2
        learners = args.clients * (2 + steps // (STEPS_PER_LEARNER * args.clients))
        seeded = run_seed(
            env, questions=max(args.requests, 400), learners=learners, backlog=REVIEW_BACKLOG
        )
        tokens = [person["token"] for person in seeded["learners"]]
        with servers.gunicorn(env, workers=args.workers) as node:
            shares = [tokens[i :: args.clients] for i in range(args.clients)]
            clients = [Client(node.port, share) for share in shares]
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
    args = parser.parse_args()
    print(
        f"gunicorn {args.workers} workers, {args.clients} clients, {args.requests} requests per "
        "endpoint, token authentication",
        flush=True,
    )
    if args.db in ("sqlite", "both"):
        run_one("SQLite", sqlite_database, args)
    if args.db in ("postgres", "both"):
        if servers.postgres_bin() is None:
            print("PostgreSQL  skipped: no binaries under /usr/lib/postgresql/*/bin", flush=True)
        else:
            run_one("PostgreSQL", postgres_database, args)


if __name__ == "__main__":
    main()
