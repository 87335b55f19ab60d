#!/usr/bin/env python
"""Load: 50 simulated learners studying through the API for 60 s, against gunicorn on loopback.

Each learner is a thread with its own API token and a morning's backlog of due reviews. It
asks for its next card (`GET /api/v1/banks/{slug}/study/next`), takes a moment to answer
(`--think`, uniform, default 1-3 s: quicker than people, who take several seconds a card),
records the answer (`POST /api/v1/reviews`, with an Idempotency-Key) and asks for the next.
Learners start spread over the first seconds, as they would arrive. gunicorn runs as
deploy/gunicorn.conf.py configures it (2 sync workers per core, plus one).

Prints, per endpoint, the requests, failures (any answer but 2xx, or none) and latency
percentiles, and the servers' CPU time per request, on PostgreSQL (SQLite with --db). Target:
0 failures and p95 < 200 ms. Exits 1 on any failure. On a machine shared with other work,
`--priority` runs the bench's processes ahead of the rest (docs/deployment.md says why).

    .venv/bin/python bench/load.py
    .venv/bin/python bench/load.py --priority --learners 50 --duration 60 --think 1-3 --db both
    .venv/bin/python bench/load.py --think 0-0          # closed loop: as fast as it answers
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.deploy import servers  # noqa: E402
from tests.deploy.seed import review_for, run_seed  # noqa: E402

BACKLOG = 200  # reviews due per learner at the start: more than a learner gets through


class Stats:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.failures: dict[str, list[str]] = defaultdict(list)
        self.lock = threading.Lock()
        self.server_cpu = 0.0  # seconds of CPU the servers used during the run

    def timed(self, name: str, call: Callable[[], servers.Response]) -> servers.Response | None:
        started = time.perf_counter()
        try:
            response = call()
        except OSError as exc:
            with self.lock:
                self.failures[name].append(repr(exc))
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies[name].append(elapsed)
            if not 200 <= response.status < 300:
                self.failures[name].append(f"{response.status} {response.body[:200]!r}")
                return None
        return response


def learner(
    port: int, bank: str, token: str, stats: Stats, stop_at: float, think: tuple[float, float]
) -> None:
    auth = {"Authorization": f"Token {token}"}
    next_path = f"/api/v1/banks/{bank}/study/next"
    rng = random.Random(token)
    while time.monotonic() < stop_at:
        served = stats.timed(
            "study/next", lambda: servers.request(port, "GET", next_path, headers=auth)
        )
        if served is None:
            time.sleep(1)
            continue
        payload = served.json()
        if payload["card"] is None:
            return  # done for the day
        time.sleep(rng.uniform(*think))
        if time.monotonic() >= stop_at:
            return
        body = review_for(payload)
        stats.timed(
            "reviews",
            lambda body=body: servers.request(
                port,
                "POST",
                "/api/v1/reviews",
                body,
                headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
            ),
        )


def prioritize(pid: int) -> None:
    """Scheduling priority for a process's whole session: with autogroups (the kernel's
    per-session fair share), a process's nice value counts only inside its session, so it is
    the session's that is raised (as root). The clients, gunicorn and PostgreSQL each have
    their own session."""
    Path(f"/proc/{pid}/autogroup").write_text("-10")


def drive(port: int, seeded: dict, args: argparse.Namespace, server_pids: list[int]) -> Stats:
    """Run every learner until the time is up; counts the servers' CPU time meanwhile."""
    stats = Stats()
    # Each worker imports the app on its first request: warm them before the clock starts.
    token = seeded["learners"][0]["token"]
    for _ in range(20):
        servers.request(port, "GET", "/api/v1/ping", headers={"Authorization": f"Token {token}"})
    if args.priority:
        for pid in [os.getpid(), *server_pids]:
            prioritize(pid)
    cpu_before = sum(servers.cpu_seconds(pid) for pid in server_pids)
    stop_at = time.monotonic() + args.duration
    threads = []
    for person in seeded["learners"][: args.learners]:
        thread = threading.Thread(
            target=learner,
            args=(port, seeded["bank"], person["token"], stats, stop_at, args.think),
        )
        thread.start()
        threads.append(thread)
        time.sleep(args.ramp / args.learners)
    for thread in threads:
        thread.join()
    stats.server_cpu = sum(servers.cpu_seconds(pid) for pid in server_pids) - cpu_before
    return stats


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else 0


def report(name: str, stats: Stats, duration: float) -> bool:
    ok = True
    for endpoint in ("study/next", "reviews"):
        times = stats.latencies[endpoint]
        failures = stats.failures[endpoint]
        ms = [t * 1000 for t in times]
        p95 = percentile(ms, 95)
        verdict = "meets" if p95 < 200 and not failures else "MISSES"
        ok &= not failures
        print(
            f"{name:<11} {endpoint:<11} {len(times):6d} requests ({len(times) / duration:5.1f}/s)"
            f"  failures {len(failures)}  median {statistics.median(ms) if ms else 0:6.1f} ms"
            f"  p95 {p95:6.1f} ms  p99 {percentile(ms, 99):6.1f} ms  max {max(ms, default=0):6.1f}"
            f" ms  ({verdict} p95 < 200 ms)",
            flush=True,
        )
        for failure in failures[:5]:
            print(f"    {failure}", flush=True)
    requests = sum(len(times) for times in stats.latencies.values())
    if requests:
        # Independent of what else the machine runs: the servers' own cost of a request.
        print(
            f"{name:<11} server CPU per request (gunicorn + database): "
            f"{stats.server_cpu / requests * 1000:.1f} ms",
            flush=True,
        )
    return ok


Database = tuple[str, int | None]  # its URL, and its server's process id (None: in-process)


@contextmanager
def sqlite_database(root: Path) -> Iterator[Database]:
    yield f"sqlite:///{root / 'load.sqlite3'}", None


@contextmanager
def postgres_database(root: Path) -> Iterator[Database]:
    # synchronous_commit=off is PostgreSQL's counterpart of SQLite's WAL with synchronous=NORMAL
    # (as the settings use): a crash may lose the last commits, never corrupt.
    with servers.postgres_server(root, options="-c synchronous_commit=off") as postgres:
        yield postgres.createdb("load"), postgres.pid


def run_one(
    name: str,
    database: Callable[[Path], AbstractContextManager[Database]],
    args: argparse.Namespace,
) -> bool:
    with (
        servers.workdir(f"kmodquiz-load-{name.lower()}-") as root,
        database(root) as (url, database_pid),
    ):
        env = servers.app_env(url, KMODQUIZ_API_USER_RATE="100000/min")
        servers.manage(env, "migrate", "--noinput", "-v", "0")
        seeded = run_seed(env, questions=400, learners=args.learners, backlog=BACKLOG)
        with servers.gunicorn(env, workers=args.workers) as node:
            assert node.process is not None
            pids = [node.process.pid] + ([database_pid] if database_pid else [])
            stats = drive(node.port, seeded, args, pids)
            print(
                f"{name}: gunicorn with {len(node.worker_pids())} sync workers; the machine's "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
                flush=True,
            )
    return report(name, stats, args.duration)


def think_range(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    return float(low), float(high or low)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="postgres")
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds (default 60)")
    parser.add_argument(
        "--think", type=think_range, default=(1.0, 3.0), help="seconds to answer, e.g. 1-3"
    )
    parser.add_argument("--ramp", type=float, default=5, help="seconds to start every learner")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: its config's)")
    parser.add_argument(
        "--priority",
        action="store_true",
        help="on a shared machine, run the servers and clients ahead of other sessions' "
        "processes (autogroup nice -10; root): closer to a machine of their own",
    )
    args = parser.parse_args()
    print(
        f"{args.learners} learners for {args.duration:.0f} s, answering in "
        f"{args.think[0]:g}-{args.think[1]:g} s, against gunicorn on loopback"
        + (" (servers and clients prioritized)" if args.priority else ""),
        flush=True,
    )
    ok = True
    if args.db in ("postgres", "both"):
        if servers.postgres_bin() is None:
            print("PostgreSQL: skipped, no binaries under /usr/lib/postgresql/*/bin")
        else:
            ok &= run_one("PostgreSQL", postgres_database, args)
    if args.db in ("sqlite", "both"):
        ok &= run_one("SQLite", sqlite_database, args)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
