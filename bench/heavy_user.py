#!/usr/bin/env python
"""A heavy user: how the pages and endpoints that grow with history cope with 100,000 reviews.

Builds, in a throwaway database, a learner with 100,000 reviews over three years (and one with
100), and prints for each: the dashboard, the progress page and GET /api/v1/me/progress — median
time of several requests and the query count. Then the optimiser on a learner with 10,000 reviews,
item analysis of a bank with 200 learners × 300 questions, and the card browser's first page for a
learner with 100,000 card states (the last two through the analytics helper's selectors,
quizzes.analytics, when this branch has them).

Targets (issue 11): dashboard <= 150 ms, progress page and endpoint <= 300 ms, the same query
count as at 100 reviews; optimiser on 10,000 reviews <= 5 s; item analysis <= 2 s; card browser
first page <= 100 ms.

    .venv/bin/python bench/heavy_user.py                       # SQLite in a temp file
    .venv/bin/python bench/heavy_user.py --database-url postgres://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
TARGETS = {"dashboard": 0.150, "progress page": 0.300, "progress endpoint": 0.300}


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "kmodquiz.settings"
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, int, Any]:
    """Median seconds of `repeat` calls, and the queries of the last one."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times, result, queries = [], None, 0
    for _ in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - t0)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries, result


# --- building the data --------------------------------------------------------------------------


def shipped_bank() -> Any:
    from quizzes import services
    from quizzes.importers import native

    parsed = native.parse((ROOT / "fixtures" / "linux-kernel-modules.json").read_bytes())
    return services.bank_import(parsed=parsed, user=None, now=NOW - timedelta(days=1200)).bank


def learner_with_reviews(name: str, bank: Any, reviews: int, rng: random.Random) -> Any:
    """A learner enrolled in `bank` with `reviews` live reviews spread over up to three years
    (most days studied, ending today), card states for the cards reviewed, and the per-day sums
    rebuilt from that log (timed: the rebuild of 100,000 reviews is a figure of its own)."""
    from django.contrib.auth import get_user_model

    from quizzes.models import Card, CardState, CardStatus, Enrollment, LearnerProfile, ReviewLog

    user = get_user_model().objects.create(username=name)
    LearnerProfile.objects.create(user=user, timezone="Europe/Berlin", day_start_hour=4)
    Enrollment.objects.create(learner=user, bank=bank)
    cards = list(Card.objects.filter(bank=bank).order_by("id"))
    days = min(1100, max(1, reviews // 30))
    per_day = reviews / days
    blank: dict[str, Any] = {}
    batch, written = [], 0
    for day in range(days, 0, -1):
        if rng.random() < 0.08 and day > 1:
            continue
        start = NOW - timedelta(days=day - 1, hours=rng.uniform(0.5, 6))
        for n in range(round(per_day * rng.uniform(0.6, 1.4))):
            if written >= reviews:
                break
            card = cards[(written * 7919) % len(cards)]
            status = rng.choices(
                [CardStatus.NEW, CardStatus.LEARNING, CardStatus.REVIEW, CardStatus.RELEARNING],
                [3, 10, 84, 3],
            )[0]
            rating = rng.choices([1, 2, 3, 4], [12, 8, 70, 10])[0]
            batch.append(
                ReviewLog(
                    learner=user,
                    card=card,
                    bank=bank,
                    rating=rating,
                    correct=rating > 1,
                    score=1.0 if rating > 1 else 0.0,
                    elapsed_ms=rng.randint(2000, 30000),
                    reviewed_at=start + timedelta(seconds=12 * n),
                    status_before=status,
                    state_before=blank,
                    state_after=blank,
                    due_after=start + timedelta(days=3),
                )
            )
            written += 1
        if len(batch) >= 5000:
            ReviewLog.objects.bulk_create(batch)
            batch.clear()
    ReviewLog.objects.bulk_create(batch)
    touched = cards[: min(len(cards), written)]
    CardState.objects.bulk_create(
        CardState(
            learner=user,
            card=card,
            bank=bank,
            status=CardStatus.REVIEW,
            stability=rng.uniform(1, 400),
            difficulty=rng.uniform(1, 10),
            due=NOW + timedelta(hours=rng.uniform(-48, 24 * 90)),
            last_review=NOW - timedelta(days=rng.uniform(0, 60)),
            reps=rng.randint(2, 40),
            lapses=rng.randint(0, 4),
        )
        for card in touched
    )
    return user


# --- the measurements ---------------------------------------------------------------------------


def measure_pages(user: Any, repeat: int) -> dict[str, tuple[float, int]]:
    from django.test import Client
    from rest_framework.test import APIClient

    from quizzes.api import clock
    from quizzes.services import accounts

    client = Client()
    client.force_login(user)
    _scope, token = accounts.api_token_create(user=user, now=NOW)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    clock.now = lambda: NOW  # the API's clock; the pages read timezone.now (patched below)
    out = {}
    for name, call in (
        ("dashboard", lambda: client.get("/")),
        ("progress page", lambda: client.get("/progress/")),
        ("progress endpoint", lambda: api.get("/api/v1/me/progress")),
    ):
        call()  # warm up (template loading, first connection)
        seconds, queries, response = timed(call, repeat)
        assert response.status_code == 200, (name, response.status_code)
        out[name] = (seconds, queries)
    return out


def measure_optimiser(bank: Any, reviews: int, seed: int) -> tuple[float, Any]:
    """The optimiser service on a learner whose `reviews` reviews come from a hidden memory."""
    from django.contrib.auth import get_user_model
    from sim_memory import HiddenLearner, scaled_parameters

    from quizzes.models import Card, CardStatus, LearnerProfile, ParameterFit, ReviewLog
    from quizzes.services import optimise

    rng = random.Random(seed)
    user = get_user_model().objects.create(username="optimised")
    LearnerProfile.objects.create(user=user, timezone="UTC", day_start_hour=4)
    cards = list(Card.objects.filter(bank=bank).order_by("id"))
    hidden = HiddenLearner(scaled_parameters(rng), [rng.gauss(0, 1) for _ in cards])
    due: dict[int, float] = {}
    rows, day, introduced = [], 0, 0
    start = (NOW - timedelta(days=800)).timestamp()
    while len(rows) < reviews:
        at = start + day * 86400 + rng.uniform(0, 3600)
        todo = [c for c, d in due.items() if d <= day][:150]
        todo += list(range(introduced, min(len(cards), introduced + 15)))
        introduced = min(len(cards), introduced + 15)
        for c in todo:
            if len(rows) >= reviews:
                break
            new = c not in hidden.memory
            recalled, rating = hidden.answer(c, at, rng)
            stability = hidden.memory[c].stability
            due[c] = day + max(1, round(stability * rng.uniform(0.7, 1.3)))
            rows.append(
                ReviewLog(
                    learner=user,
                    card=cards[c],
                    bank=bank,
                    rating=rating,
                    reviewed_at=datetime.fromtimestamp(at, UTC),
                    status_before=CardStatus.NEW if new else CardStatus.REVIEW,
                    state_before={},
                    state_after={},
                    due_after=NOW,
                )
            )
            at += 10
        day += 1
    ReviewLog.objects.bulk_create(rows, batch_size=5000)
    fit = ParameterFit.objects.create(learner=user, requested_at=NOW)
    t0 = time.perf_counter()
    fit = optimise.parameter_fit_run(fit_id=fit.pk, now=NOW)
    return time.perf_counter() - t0, fit


def measure_item_analysis(repeat: int, seed: int) -> str:
    try:
        from quizzes import analytics
    except ImportError:
        return "skipped: analytics not merged (no quizzes.analytics on this branch)"
    if not hasattr(analytics, "bank_item_analysis"):
        return "skipped: analytics not merged (no analytics.bank_item_analysis)"
    from django.contrib.auth import get_user_model

    from quizzes.models import Attempt, Bank, Card, Question

    rng = random.Random(seed)
    bank = Bank.objects.create(slug="analysis", title="Item analysis")
    questions = Question.objects.bulk_create(
        Question(
            bank=bank,
            external_id=f"ia-{i}",
            kind="true_false",
            prompt=f"Statement {i}?",
            spec={"correct": bool(i % 2)},
        )
        for i in range(300)
    )
    cards = Card.objects.bulk_create(Card(question=q, bank=bank) for q in questions)
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"ia-{n}") for n in range(200)
    )
    ability = {u.pk: rng.gauss(0, 1) for u in users}
    Attempt.objects.bulk_create(
        (
            Attempt(
                learner=u,
                card=card,
                bank=bank,
                question=card.question,
                reps=0,
                correct=(right := rng.random() < 1 / (1 + 2.718 ** -(ability[u.pk] + 0.5))),
                score=1.0 if right else 0.0,
                answer=bool(card.question.spec["correct"]) == right,
                elapsed_ms=rng.randint(2000, 20000),
                attempted_at=NOW - timedelta(days=rng.uniform(0, 90)),
                closed_at=NOW,
            )
            for u in users
            for card in cards
        ),
        batch_size=5000,
    )
    seconds, queries, report = timed(
        lambda: analytics.bank_item_analysis(bank=bank, now=NOW), repeat
    )
    flag = "ok" if seconds <= 2.0 else "OVER the 2 s target"
    return (
        f"{1000 * seconds:7.0f} ms, {queries} queries for {len(report.questions)} questions "
        f"({flag})"
    )


def measure_card_browser(repeat: int, states: int) -> str:
    try:
        from quizzes import analytics
    except ImportError:
        return "skipped: analytics not merged (no quizzes.analytics on this branch)"
    if not hasattr(analytics, "card_browser_page"):
        return "skipped: analytics not merged (no analytics.card_browser_page)"
    from django.contrib.auth import get_user_model

    from quizzes.models import Bank, Card, CardState, CardStatus, Enrollment, Question

    user = get_user_model().objects.create(username="browser")
    bank = Bank.objects.create(slug="browser", title="Many cards")
    Enrollment.objects.create(learner=user, bank=bank)
    questions = Question.objects.bulk_create(
        (
            Question(bank=bank, external_id=f"b-{i}", kind="flashcard", prompt=f"Card {i}?")
            for i in range(states)
        ),
        batch_size=5000,
    )
    cards = Card.objects.bulk_create(
        (Card(question=q, bank=bank) for q in questions), batch_size=5000
    )
    rng = random.Random(5)
    CardState.objects.bulk_create(
        (
            CardState(
                learner=user,
                card=card,
                bank=bank,
                status=CardStatus.REVIEW,
                stability=rng.uniform(1, 300),
                difficulty=rng.uniform(1, 10),
                due=NOW + timedelta(hours=rng.uniform(-100, 24 * 300)),
                last_review=NOW - timedelta(days=rng.uniform(0, 100)),
                reps=rng.randint(1, 30),
            )
            for card in cards
        ),
        batch_size=5000,
    )
    seconds, queries, page = timed(
        lambda: analytics.card_browser_page(learner=user, filters=analytics.CardFilters(), now=NOW),
        repeat,
    )
    flag = "ok" if seconds <= 0.100 else "OVER the 100 ms target"
    return f"{1000 * seconds:7.1f} ms, {queries} queries, {page.total:,} cards ({flag})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite in a temporary file")
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--optimiser-reviews", type=int, default=10_000)
    parser.add_argument("--card-states", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kmodquiz-heavy-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'heavy.sqlite3'}"
        setup_django(url)
        from django.db import connection
        from django.utils import timezone

        from quizzes.services.daily_stats import daily_stats_rebuild

        timezone.now = lambda: NOW  # the pages' "today" is the day the history ends
        rng = random.Random(args.seed)
        print(f"database: {connection.vendor}")
        bank = shipped_bank()
        light = learner_with_reviews("light", bank, args.small, rng)
        daily_stats_rebuild(learner=light)
        t0 = time.perf_counter()
        heavy = learner_with_reviews("heavy", bank, args.reviews, rng)
        built = time.perf_counter() - t0
        t0 = time.perf_counter()
        rows = daily_stats_rebuild(learner=heavy)
        rebuilt = time.perf_counter() - t0
        print(
            f"built {args.reviews:,} reviews in {built:.0f} s; rebuild_daily_stats for them: "
            f"{rebuilt:.2f} s ({rows:,} daily rows)\n"
        )
        small = measure_pages(light, args.repeat)
        big = measure_pages(heavy, args.repeat)
        print(f"{'':20} {args.small:>8,} reviews      {args.reviews:>8,} reviews      target")
        for name in small:
            (ts, qs), (tb, qb) = small[name], big[name]
            verdict = "ok" if tb <= TARGETS[name] and qs == qb else "MISSED"
            print(
                f"{name:20} {1000 * ts:7.1f} ms {qs:3} q   {1000 * tb:7.1f} ms {qb:3} q   "
                f"<= {1000 * TARGETS[name]:.0f} ms, same queries: {verdict}"
            )
        seconds, fit = measure_optimiser(bank, args.optimiser_reviews, args.seed)
        print(
            f"\noptimiser on {fit.reviews:,} reviews: {seconds:.2f} s "
            f"({'ok' if seconds <= 5 else 'OVER the 5 s target'}); {fit.message}"
        )
        print(f"item analysis, 200 learners × 300 questions: {measure_item_analysis(3, args.seed)}")
        print(
            f"card browser, first page of {args.card_states:,} card states: "
            f"{measure_card_browser(args.repeat, args.card_states)}"
        )


if __name__ == "__main__":
    main()
