#!/usr/bin/env python
"""Benchmark of the analytics reads: a bank's item analysis and the card browser's first page.

Builds, in a throwaway database, a bank of 300 questions answered by 200 learners (each learner's
first attempt at every card, then later attempts as reviews would add them) and one learner with
100,000 card states; then times `analytics.bank_item_analysis` and the first page of
`analytics.card_browser_page` (median of several runs) and prints their query counts. Targets
(issue 11): item analysis <= 2 s, the browser's first page <= 100 ms.

    .venv/bin/python bench/analytics.py                      # SQLite in a temp file
    .venv/bin/python bench/analytics.py --database-url postgres://postgres@127.0.0.1:5432/bench

bench/heavy_user.py may import `build_item_analysis_bank` and `build_card_states` from here.
"""

from __future__ import annotations

import argparse
import math
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
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kmodquiz.settings")
    import django

    django.setup()


def _users(prefix: str, count: int) -> list[Any]:
    from django.contrib.auth import get_user_model

    from quizzes.models import LearnerProfile

    users = get_user_model()
    users.objects.bulk_create(
        [users(username=f"{prefix}{i}", password="!") for i in range(count)], batch_size=2000
    )
    people = list(users.objects.filter(username__startswith=prefix).order_by("id"))
    LearnerProfile.objects.bulk_create([LearnerProfile(user=u) for u in people], batch_size=2000)
    return people


def _questions(slug: str, count: int) -> tuple[Any, list[Any]]:
    """A bank of `count` questions, mixed kinds, each with its cards."""
    from quizzes import services
    from quizzes.models import Bank, Card, Question

    bank = Bank.objects.create(slug=slug, title=slug)
    kinds = ["single_choice", "true_false", "short_answer", "multiple_choice", "flashcard"]
    specs = {
        "single_choice": {
            "options": [{"id": i, "text": f"option {i}"} for i in "abcd"],
            "correct": "a",
        },
        "multiple_choice": {
            "options": [{"id": i, "text": f"option {i}"} for i in "abcd"],
            "correct": ["a", "c"],
        },
        "true_false": {"correct": True},
        "short_answer": {"accepted": ["modules.dep"]},
        "flashcard": {"back": "back"},
    }
    Question.objects.bulk_create(
        [
            Question(
                bank=bank,
                external_id=f"q{i:05d}",
                kind=kinds[i % len(kinds)],
                prompt=f"Question {i}?",
                spec=specs[kinds[i % len(kinds)]],
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    services.question_sync_cards(questions=list(bank.questions.all()), now=NOW)
    return bank, list(Card.objects.filter(bank=bank).select_related("question").order_by("id"))


WRONG = {
    "single_choice": ["b", "c", "d"],
    "multiple_choice": [["a"], ["a", "b"], ["c"]],
    "true_false": [False],
    "short_answer": ["modules.alias", "depmod", "modules.dep.bin "],
    "flashcard": [None],
}
RIGHT = {
    "single_choice": "a",
    "multiple_choice": ["a", "c"],
    "true_false": True,
    "short_answer": "modules.dep",
    "flashcard": None,
}


def build_item_analysis_bank(
    *, learners: int = 200, questions: int = 300, later: int = 4, seed: int = 1
) -> Any:
    """A bank of `questions` questions, every learner with a first attempt at every card and
    `later` more attempts per card (as later reviews add them). Returns the bank."""
    from quizzes.models import Attempt, Enrollment

    rng = random.Random(seed)
    bank, cards = _questions("item-analysis", questions)
    people = _users("analysed", learners)
    Enrollment.objects.bulk_create([Enrollment(learner=u, bank=bank) for u in people])
    difficulty = {card.pk: rng.gauss(0, 1) for card in cards}
    batch: list[Attempt] = []
    for user in people:
        ability = rng.gauss(0, 1)
        for card in cards:
            kind = card.question.kind
            for n in range(1 + later):
                right = rng.random() < 1 / (1 + math.exp(difficulty[card.pk] - ability - n))
                moment = NOW - timedelta(days=90 - 10 * n, minutes=rng.randint(0, 600))
                batch.append(
                    Attempt(
                        learner=user,
                        card=card,
                        bank=bank,
                        question_id=card.question_id,
                        reps=n,
                        correct=None if kind == "flashcard" else right,
                        score=float(right),
                        answer=RIGHT[kind] if right else rng.choice(WRONG[kind]),
                        elapsed_ms=rng.randint(2000, 30000),
                        attempted_at=moment,
                        closed_at=moment,
                    )
                )
            if len(batch) >= 20000:
                Attempt.objects.bulk_create(batch)
                batch = []
    Attempt.objects.bulk_create(batch)
    return bank


def build_card_states(*, states: int = 100_000, new: int = 2_000, seed: int = 2) -> Any:
    """One learner enrolled in two banks holding `states` cards they have studied (a CardState
    each, in every status, some suspended, buried or leeches) and `new` cards never touched.
    Returns the learner."""
    from quizzes.models import Bank, Card, CardState, CardStatus, Enrollment, Question

    rng = random.Random(seed)
    (learner,) = _users("browser", 1)
    banks = [Bank.objects.create(slug=f"browse-{i}", title=f"Browse {i}") for i in range(2)]
    total = states + new
    for start in range(0, total, 20000):
        questions = Question.objects.bulk_create(
            [
                Question(
                    bank=banks[i % 2],
                    external_id=f"b{i:07d}",
                    kind="true_false",
                    prompt=f"Statement number {i} about modprobe?",
                    spec={"correct": True},
                )
                for i in range(start, min(total, start + 20000))
            ]
        )
        Card.objects.bulk_create([Card(question=q, bank_id=q.bank_id) for q in questions])
    Enrollment.objects.bulk_create([Enrollment(learner=learner, bank=b) for b in banks])
    batch: list[CardState] = []
    for card_id, bank_id in Card.objects.order_by("?").values_list("id", "bank_id")[:states]:
        status = rng.choice([CardStatus.LEARNING, CardStatus.REVIEW, CardStatus.REVIEW])
        last = NOW - timedelta(days=rng.uniform(0, 200))
        batch.append(
            CardState(
                learner=learner,
                card_id=card_id,
                bank_id=bank_id,
                status=status,
                stability=rng.uniform(0.5, 300),
                difficulty=rng.uniform(1, 10),
                last_review=last,
                due=last + timedelta(days=rng.uniform(0.01, 300)),
                reps=rng.randint(1, 30),
                lapses=rng.randint(0, 9),
                suspended=rng.random() < 0.02,
                is_leech=rng.random() < 0.01,
            )
        )
        if len(batch) >= 20000:
            CardState.objects.bulk_create(batch)
            batch = []
    CardState.objects.bulk_create(batch)
    return learner


def timed(function: Callable[[], Any], runs: int) -> tuple[float, int]:
    """Median wall time in ms over `runs`, and the queries of one run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            function()
            times.append(1000 * (time.perf_counter() - start))
        queries = len(captured.captured_queries)
    return statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--browser-only", action="store_true")
    args = parser.parse_args()
    tmp = None
    if args.database_url:
        setup_django(args.database_url)
    else:
        tmp = tempfile.TemporaryDirectory()
        setup_django(f"sqlite:///{tmp.name}/bench.sqlite3")
    from django.core.management import call_command
    from django.db import connection

    from quizzes import analytics

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    if args.browser_only:
        return browse(args.runs)
    start = time.perf_counter()
    bank = build_item_analysis_bank(learners=args.learners, questions=args.questions)
    print(f"built {args.learners} x {args.questions} in {time.perf_counter() - start:.0f} s")
    ms, queries = timed(lambda: analytics.bank_item_analysis(bank=bank, now=NOW), args.runs)
    print(
        f"{connection.vendor}: item analysis, {args.learners} learners x {args.questions} "
        f"questions: {ms:.0f} ms, {queries} queries (target <= 2000 ms)"
    )
    browse(args.runs)


def browse(runs: int) -> None:
    from django.db import connection

    from quizzes import analytics

    start = time.perf_counter()
    learner = build_card_states()
    print(f"built 100,000 card states in {time.perf_counter() - start:.0f} s")
    for label, filters in (
        ("first page (by due)", analytics.CardFilters()),
        ("by lapses, descending", analytics.CardFilters(sort="lapses", descending=True)),
        ("text search", analytics.CardFilters(text="number 4242")),
        ("suspended only", analytics.CardFilters(suspended=True)),
    ):
        ms, queries = timed(
            lambda f=filters: analytics.card_browser_page(learner=learner, filters=f, now=NOW),
            runs,
        )
        print(
            f"{connection.vendor}: card browser, {label}, 100,000 states: {ms:.0f} ms, "
            f"{queries} queries (target for the first page <= 100 ms)"
        )


if __name__ == "__main__":
    main()
