#!/usr/bin/env python
"""Benchmark of the study loop: study_queue_next and review_submit at two data sizes.

Builds learners × cards card states (default 50 × 200 = 10k and 1,000 × 200 = 200k) in a
throwaway database, then times both services for a sample of learners and prints the median,
p95 and SQL query counts. The target: the 200k set within 1.5× of the 10k set, because the due
query is an index range scan over one learner's states, not a scan of all states.

    .venv/bin/python bench/study_loop.py                      # SQLite in a temp file
    .venv/bin/python bench/study_loop.py --database-url postgres://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kmodquiz.settings")
    os.environ.setdefault("KMODQUIZ_ENABLE_FUZZING", "0")
    import django

    django.setup()


def build(learners: int, cards_per_bank: int, seed: int) -> tuple[object, list[object]]:
    """A bank of `cards_per_bank` cards from the shipped bank, learners with a state per card."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from quizzes import services
    from quizzes.importers import native
    from quizzes.models import Card, CardState, CardStatus, Enrollment, LearnerProfile

    call_command("flush", interactive=False, verbosity=0)
    parsed = native.parse((ROOT / "fixtures" / "linux-kernel-modules.json").read_bytes())
    kept, cards = [], 0
    for q in parsed.questions:
        n = len(services.card_keys(q))
        if cards + n > cards_per_bank:
            continue
        kept.append(q)
        cards += n
    parsed.questions = kept
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    bank = services.bank_import(parsed=parsed, user=None, now=now).bank
    card_ids = list(Card.objects.filter(bank=bank).values_list("id", flat=True))
    users = get_user_model()
    users.objects.bulk_create(
        [users(username=f"bench{i}", password="!") for i in range(learners)], batch_size=2000
    )
    people = list(users.objects.filter(username__startswith="bench").order_by("id"))
    LearnerProfile.objects.bulk_create([LearnerProfile(user=u) for u in people], batch_size=2000)
    Enrollment.objects.bulk_create(
        [Enrollment(learner=u, bank=bank, new_per_day=20, reviews_per_day=200) for u in people],
        batch_size=2000,
    )
    rng = random.Random(seed)
    batch: list[CardState] = []
    for user in people:
        for card_id in card_ids:
            roll = rng.random()
            if roll < 0.1:
                continue  # still new: no state row, as in real use
            status = CardStatus.LEARNING if roll < 0.15 else CardStatus.REVIEW
            due = now + timedelta(hours=rng.uniform(-24 * 20, 24 * 40))
            batch.append(
                CardState(
                    learner=user,
                    card_id=card_id,
                    bank=bank,
                    status=status,
                    step=0 if status == CardStatus.LEARNING else None,
                    stability=rng.uniform(1, 60),
                    difficulty=rng.uniform(1, 10),
                    due=due,
                    last_review=due - timedelta(days=5),
                    reps=rng.randint(1, 12),
                    lapses=rng.randint(0, 2),
                )
            )
            if len(batch) >= 10000:
                CardState.objects.bulk_create(batch)
                batch.clear()
    CardState.objects.bulk_create(batch)
    return bank, people


def measure(bank: object, people: list[object], samples: int, seed: int) -> dict[str, object]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from quizzes import grading, services

    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    rng = random.Random(seed)
    picked = rng.sample(people, min(samples, len(people)))
    next_times, submit_times, next_queries, submit_queries = [], [], set(), set()
    for i, learner in enumerate(picked):
        reset_queries()  # the query log is capped at 9,000 entries; keep counts honest
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            result = services.study_queue_next(learner=learner, bank=bank, now=now)
            next_times.append(time.perf_counter() - t0)
        next_queries.add(len(ctx.captured_queries))
        item = result.item
        if item is None:
            continue
        q = item.card.question
        answer = grading.expected_answer(q.kind, q.spec, deletion=item.card.deletion or None)
        if q.kind == "shell_command":
            answer = q.spec["accepted"][0]
        elif q.kind == "flashcard":
            answer = None
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            services.review_submit(
                learner=learner,
                card=item.card,
                answer=answer,
                rating=3 if q.kind == "flashcard" else None,
                now=now,
                idempotency_key=f"bench-{i}",
            )
            submit_times.append(time.perf_counter() - t0)
        submit_queries.add(len(ctx.captured_queries))
        reset_queries()
    return {
        "next": next_times,
        "submit": submit_times,
        "next_q": sorted(next_queries),
        "submit_q": sorted(submit_queries),
    }


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a SQLite file in a temp folder")
    parser.add_argument(
        "--sizes",
        default="50x200,1000x200",
        help="learners x cards, ... (about 90%% of pairs get a state row)",
    )
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="kmodquiz-bench-")
    setup_django(args.database_url or f"sqlite:///{tmp}/bench.sqlite3")
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; samples per size: {args.samples}")
    print(
        f"{'states':>8} {'next med':>9} {'next p95':>9} {'submit med':>11} {'submit p95':>11}"
        f" {'queries next/submit':>20} {'build s':>8}"
    )
    medians = []
    for size in args.sizes.split(","):
        learners, cards = (int(x) for x in size.split("x"))
        t0 = time.perf_counter()
        bank, people = build(learners, cards, args.seed)
        from quizzes.models import CardState

        states = CardState.objects.count()
        built = time.perf_counter() - t0
        measure(bank, people, 20, args.seed + 1)  # warm caches and connections
        r = measure(bank, people, args.samples, args.seed)
        medians.append((states, statistics.median(r["next"]), statistics.median(r["submit"])))
        print(
            f"{states:>8} {p(r['next'], 0.5):>8.2f}ms {p(r['next'], 0.95):>8.2f}ms "
            f"{p(r['submit'], 0.5):>10.2f}ms {p(r['submit'], 0.95):>10.2f}ms "
            f"{str(r['next_q']) + ' / ' + str(r['submit_q']):>20} {built:>8.1f}"
        )
    if len(medians) >= 2:
        (s0, n0, u0), (s1, n1, u1) = medians[0], medians[-1]
        print(
            f"ratio {s1} vs {s0} states: study_queue_next {n1 / n0:.2f}x, "
            f"review_submit {u1 / u0:.2f}x (target <= 1.5x)"
        )


if __name__ == "__main__":
    main()
