#!/usr/bin/env python
"""Nothing lost, nothing doubled under faults: reviews through gunicorn while things break.

16 client threads, in pairs, send 300 reviews (each a different learner's card); the two
threads of a pair send each review at the same instant with the same Idempotency-Key, and each
retries with that key until it gets an answer. Mid-run a fault strikes:

  kill      one gunicorn worker is killed with SIGKILL (PostgreSQL, then SQLite)
  restart   PostgreSQL is restarted (the workers' persistent connections die with it; their
            health checks replace them): no 5xx may answer a request sent once it is back
  naive     the control: the kill again, but clients without keys (a fresh key per attempt,
            as a client that knows no better) — it must show reviews doubled or lost

Afterwards the database must hold exactly one review per (learner, card) — 300 log rows and
`reps` summing to 300 — and both threads of a pair must have been answered with the same
review. Prints the figures of each run; exits 1 when a keyed run fails or the control does not.

    .venv/bin/python bench/faults.py                      # every scenario
    .venv/bin/python bench/faults.py --scenario kill --db sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.deploy import servers  # noqa: E402
from tests.deploy.seed import run_seed  # noqa: E402

LEARNERS = 10  # each reviews reviews/LEARNERS cards of the bank once


# --- the clients --------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the clients saw. A request is `after_recovery` when sent once the fault was over."""

    sent: int = 0
    retried: int = 0
    dropped: int = 0  # no HTTP answer: connection refused or reset, a worker killed under it
    server_errors: int = 0
    server_errors_after_recovery: int = 0
    replayed: int = 0
    twins_disagree: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)


class Run:
    def __init__(self, port: int, seeded: dict[str, Any], reviews: int, keyed: bool) -> None:
        self.port = port
        self.keyed = keyed
        tokens = [p["token"] for p in seeded["learners"]]
        per_learner = reviews // len(tokens)
        cards = seeded["cards"][:per_learner]
        self.work = [(token, card) for card in cards for token in tokens]
        self.next = 0
        self.done = 0
        self.lock = threading.Lock()
        self.tally = Tally()
        self.recovered_at: float | None = None  # monotonic time the fault was over

    def take(self) -> tuple[str, int] | None:
        with self.lock:
            if self.next >= len(self.work):
                return None
            self.next += 1
            return self.work[self.next - 1]

    def send(self, token: str, card: int, key: str) -> int:
        """Send one review until it is answered; the review's id."""
        for attempt in range(200):
            if not self.keyed:
                key = uuid.uuid4().hex  # a client without keys: every attempt is new
            started = time.monotonic()
            self.tally.add(sent=1, retried=1 if attempt else 0)
            try:
                response = servers.request(
                    self.port,
                    "POST",
                    "/api/v1/reviews",
                    {"card": card, "answer": None, "rating": 3},
                    headers={"Authorization": f"Token {token}", "Idempotency-Key": key},
                    timeout=20,
                )
            except OSError:
                self.tally.add(dropped=1)
                time.sleep(0.05 * min(attempt + 1, 10))
                continue
            if response.status >= 500:
                late = self.recovered_at is not None and started >= self.recovered_at
                self.tally.add(server_errors=1, server_errors_after_recovery=int(late))
                time.sleep(0.05 * min(attempt + 1, 10))
                continue
            if response.status != 201:
                raise RuntimeError(f"review of card {card}: {response.status} {response.body!r}")
            if response.headers.get("idempotent-replayed") == "true":
                self.tally.add(replayed=1)
            return int(response.json()["review"])
        raise RuntimeError(f"review of card {card} never answered")

    def pair(self) -> None:
        """Two threads: each review sent by both at the same instant, with the same key."""
        barrier = threading.Barrier(2)
        answers: list[int] = [0, 0]
        item: list[tuple[str, int] | None] = [None]

        def twin(i: int) -> None:
            while True:
                if i == 0:
                    item[0] = self.take()
                    key[0] = uuid.uuid4().hex
                barrier.wait()
                if item[0] is None:
                    return
                token, card = item[0]
                answers[i] = self.send(token, card, key[0])
                barrier.wait()
                if i == 0:
                    if self.keyed and answers[0] != answers[1]:
                        self.tally.add(twins_disagree=1)
                    with self.lock:
                        self.done += 1

        key = [""]
        threads = [threading.Thread(target=twin, args=(i,)) for i in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def run(self, threads: int, fault: Callable[[], None]) -> float:
        """Send everything with `threads` threads; `fault` strikes a third of the way through."""
        pairs = [threading.Thread(target=self.pair) for _ in range(threads // 2)]
        start = time.monotonic()
        for thread in pairs:
            thread.start()
        while self.done < len(self.work) // 3 and any(t.is_alive() for t in pairs):
            time.sleep(0.01)
        fault()
        self.recovered_at = time.monotonic()
        for thread in pairs:
            thread.join()
        return time.monotonic() - start


# --- one scenario -------------------------------------------------------------------------------


def count(env: dict[str, str]) -> dict[str, int]:
    """What the database holds, counted in a child process with the server's settings."""
    result = subprocess.run(
        [sys.executable, __file__, "--count"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _count_here() -> dict[str, int]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kmodquiz.settings")
    django.setup()
    from django.db.models import Count, Sum

    from quizzes.models import CardState, ReviewLog

    per_card = ReviewLog.objects.values("learner_id", "card_id").annotate(n=Count("id"))
    return {
        "rows": ReviewLog.objects.count(),
        "reps": CardState.objects.aggregate(total=Sum("reps"))["total"] or 0,
        "doubled": sum(1 for row in per_card if row["n"] > 1),
        "reviewed": len(per_card),
    }


def report(name: str, run: Run, seconds: float, found: dict[str, int], reviews: int) -> bool:
    """Print one scenario's line; True when it kept every review exactly once."""
    t = run.tally
    lost = reviews - found["reviewed"]
    exact = (
        found["rows"] == reviews
        and found["reps"] == reviews
        and lost == 0
        and t.twins_disagree == 0
        and t.server_errors_after_recovery == 0
    )
    print(
        f"{name:<28} {seconds:5.1f} s  sent {t.sent:4d} (retries {t.retried:3d}, no answer "
        f"{t.dropped:3d}, 5xx {t.server_errors:3d}, 5xx once back {t.server_errors_after_recovery}"
        f", replayed {t.replayed:3d})  ->  log rows {found['rows']:4d}, reps {found['reps']:4d}, "
        f"doubled {found['doubled']:3d}, lost {lost:3d}: {'EXACT' if exact else 'WRONG'}",
        flush=True,
    )
    return exact


def _sockets(pid: int) -> int:
    try:
        return sum(
            os.readlink(fd).startswith("socket:") for fd in Path(f"/proc/{pid}/fd").iterdir()
        )
    except OSError:
        return 0


def kill_one_worker(node: servers.Gunicorn) -> Callable[[], None]:
    """SIGKILL a worker while it holds a client's connection (one socket more than an idle
    worker's listener and database connection), so that a request dies with it."""

    def fault() -> None:
        deadline = time.monotonic() + 2
        while True:
            counts = {pid: _sockets(pid) for pid in node.worker_pids()}
            busiest = max(counts, key=counts.__getitem__)
            if counts[busiest] > min(counts.values()) or time.monotonic() > deadline:
                break
        os.kill(busiest, signal.SIGKILL)

    return fault


@contextmanager
def sqlite_copies(root: Path, args: argparse.Namespace) -> Iterator[Callable[[str], str]]:
    """A seeded SQLite database; yields a function that makes a fresh copy of it per run."""
    template = root / "template.sqlite3"
    env = servers.app_env(f"sqlite:///{template}")
    servers.manage(env, "migrate", "--noinput", "-v", "0")
    seeded = run_seed(env, questions=args.reviews // LEARNERS, learners=LEARNERS, flashcards=True)

    def fresh(name: str) -> str:
        target = root / f"{name}.sqlite3"
        with sqlite3.connect(template) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return f"sqlite:///{target}"

    fresh.seeded = seeded  # type: ignore[attr-defined]
    yield fresh


@contextmanager
def postgres_copies(
    root: Path, args: argparse.Namespace
) -> Iterator[tuple[servers.Postgres, Callable[[str], str]]]:
    """A seeded PostgreSQL template database; fresh copies of it per run."""
    with servers.postgres_server(root, options="-c synchronous_commit=off") as postgres:
        env = servers.app_env(postgres.createdb("template_bench"))
        servers.manage(env, "migrate", "--noinput", "-v", "0")
        seeded = run_seed(
            env, questions=args.reviews // LEARNERS, learners=LEARNERS, flashcards=True
        )

        def fresh(name: str) -> str:
            return postgres.createdb(name, template="template_bench")

        fresh.seeded = seeded  # type: ignore[attr-defined]
        yield postgres, fresh


def scenario(
    name: str,
    url: str,
    seeded: dict[str, Any],
    args: argparse.Namespace,
    *,
    keyed: bool,
    fault: Callable[[servers.Gunicorn], Callable[[], None]],
) -> bool:
    # The 500s while PostgreSQL is down would each print a traceback: counted here instead.
    env = servers.app_env(url, KMODQUIZ_API_USER_RATE="1000000/min", LOG_LEVEL="CRITICAL")
    with servers.gunicorn(env, workers=args.workers) as node:
        run = Run(node.port, seeded, args.reviews, keyed=keyed)
        seconds = run.run(args.threads, fault(node))
    return report(name, run, seconds, count(env), args.reviews)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--scenario", choices=["kill", "restart", "naive", "all"], default="all")
    parser.add_argument("--reviews", type=int, default=300)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count:
        print(json.dumps(_count_here()))
        return
    if args.reviews % LEARNERS:
        parser.error(f"--reviews must be a multiple of {LEARNERS}")
    wanted = {"kill", "restart", "naive"} if args.scenario == "all" else {args.scenario}
    print(
        f"{args.reviews} reviews, each sent twice at once by {args.threads} threads, gunicorn "
        f"{args.workers} sync workers",
        flush=True,
    )
    ok = True
    with servers.workdir("kmodquiz-faults-") as root:
        if args.db in ("postgres", "both") and wanted & {"kill", "restart", "naive"}:
            if servers.postgres_bin() is None:
                print("PostgreSQL: skipped, no binaries under /usr/lib/postgresql/*/bin")
            else:
                with postgres_copies(root, args) as (postgres, fresh):
                    seeded = fresh.seeded  # type: ignore[attr-defined]
                    if "kill" in wanted:
                        ok &= scenario(
                            "PostgreSQL, worker killed",
                            fresh("kill"),
                            seeded,
                            args,
                            keyed=True,
                            fault=kill_one_worker,
                        )
                    if "restart" in wanted:
                        ok &= scenario(
                            "PostgreSQL restarted",
                            fresh("restart"),
                            seeded,
                            args,
                            keyed=True,
                            fault=lambda _node: postgres.restart,
                        )
                    if "naive" in wanted:
                        control = scenario(
                            "control: no keys, killed",
                            fresh("naive"),
                            seeded,
                            args,
                            keyed=False,
                            fault=kill_one_worker,
                        )
                        if control:
                            print("the control kept every review exactly once: the test is blind")
                        ok &= not control
        if args.db in ("sqlite", "both") and "kill" in wanted:
            with sqlite_copies(root, args) as fresh:
                ok &= scenario(
                    "SQLite, worker killed",
                    fresh("kill"),
                    fresh.seeded,  # type: ignore[attr-defined]
                    args,
                    keyed=True,
                    fault=kill_one_worker,
                )
    print("PASSED" if ok else "FAILED", flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
