"""The demo cohort of `make run`: the demo learner and about forty simulated learners of varied
ability, memory and diligence, studying every active bank for ninety days, written in bulk."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.db import transaction

from quizzes import conf, scheduling
from quizzes.demo.recorder import Verdicts
from quizzes.demo.simulate import BankPlan, LearnerRun, Persona, cards_of
from quizzes.models import (
    Attempt,
    Bank,
    CardState,
    Enrollment,
    LearnerProfile,
    QuestionReport,
    ReviewLog,
)

# fmt: off
NAMES = (
    "aiko", "amara", "bruno", "chen", "dalia", "emeka", "farah", "gianni", "hana", "ines",
    "jonas", "kavya", "lars", "leila", "mateo", "mina", "nadia", "olek", "priya", "quentin",
    "rania", "sami", "tariq", "uma", "valeria", "wen", "xavi", "yara", "zofia", "abel",
    "bea", "cyril", "dora", "eitan", "fiona", "goran", "hugo", "ilse", "joao", "kemal",
)
# fmt: on
SMALL_BANK = 40  # cards: a bank this small gets more new cards a day


def personas(count: int, *, seed: int) -> list[Persona]:
    """`count` learners of varied ability, memory and diligence (the same for a seed)."""
    rng = random.Random(f"cohort:{seed}")
    out = []
    for index in range(count):
        name = NAMES[index % len(NAMES)] + ("" if index < len(NAMES) else str(index // len(NAMES)))
        diligence = rng.uniform(0.3, 0.97)
        out.append(
            Persona(
                username=name,
                ability=rng.gauss(0.2, 1.2),
                memory=rng.lognormvariate(0, 0.35),
                diligence=diligence,
                hour=rng.randint(6, 22),
                new_per_day=rng.randint(1, 3),
                stops_after=rng.randint(20, 70) if rng.random() < 0.15 else None,
                every_day_at_end=rng.randint(3, 20) if diligence > 0.85 else 0,
            )
        )
    return out


DEMO_PERSONA = Persona(
    username="learner",
    ability=0.9,
    memory=1.15,
    diligence=0.9,
    hour=19,
    new_per_day=6,
    every_day_at_end=14,
)


@dataclass(frozen=True)
class CohortResult:
    learners: int  # learners simulated now
    skipped: list[str]  # learners left alone: they already had study history
    reviews: int
    attempts: int
    reports: int


def _config() -> scheduling.Config:
    return scheduling.Config(
        maximum_interval=conf.get("MAXIMUM_INTERVAL_DAYS"),
        enable_fuzzing=conf.get("ENABLE_FUZZING"),
    )


def _users(names: Sequence[str]) -> dict[str, Any]:
    """The users of these names, created (without a usable password) where missing."""
    users = get_user_model()
    existing = {u.get_username(): u for u in users.objects.filter(username__in=names)}
    missing = [users(username=name, password="!") for name in names if name not in existing]
    users.objects.bulk_create(missing)
    found = {u.get_username(): u for u in users.objects.filter(username__in=names)}
    LearnerProfile.objects.bulk_create(
        [LearnerProfile(user=u) for u in found.values()], ignore_conflicts=True
    )
    return found


def build_cohort(
    *,
    now: datetime,
    days: int = 90,
    learners: int = 40,
    seed: int = 2026,
    demo_learner: bool = True,
) -> CohortResult:
    """Simulate the cohort over `days` days up to `now` in every active bank and write what the
    services would have written, in bulk and in one transaction. Learners who already have
    reviews are left alone, so running it twice adds nothing."""
    cast = ([DEMO_PERSONA] if demo_learner else []) + personas(learners, seed=seed)
    users = _users([p.username for p in cast])
    busy = set(
        ReviewLog.objects.filter(learner__in=users.values()).values_list(
            "learner__username", flat=True
        )
    )
    cast = [p for p in cast if p.username not in busy]
    banks = list(Bank.objects.active().order_by("slug"))
    cards = cards_of([b.pk for b in banks])
    verdicts = Verdicts()
    config = _config()
    runs = []
    for persona in cast:
        per_bank = [
            BankPlan(
                bank_id=bank.pk,
                cards=cards[bank.pk],
                new_per_day=persona.new_per_day * (3 if len(cards[bank.pk]) <= SMALL_BANK else 1),
            )
            for bank in banks
        ]
        run = LearnerRun(
            persona=persona,
            learner_id=users[persona.username].pk,
            banks=per_bank,
            config=config,
            verdicts=verdicts,
            seed=seed,
        )
        run.run(now=now, days=days)
        runs.append(run)
    with transaction.atomic():
        written = _write(runs, banks)
    if "rebuild_daily_stats" in get_commands():
        # The per-learner-day aggregates (issue 11, part B) follow the log: rebuild them.
        call_command("rebuild_daily_stats", verbosity=0)
    return CohortResult(
        learners=len(runs),
        skipped=sorted(busy),
        reviews=written[0],
        attempts=written[1],
        reports=written[2],
    )


def _write(runs: list[LearnerRun], banks: list[Bank]) -> tuple[int, int, int]:
    Enrollment.objects.bulk_create(
        [Enrollment(learner_id=run.learner_id, bank=bank) for run in runs for bank in banks],
        ignore_conflicts=True,
    )
    CardState.objects.bulk_create(
        [state for run in runs for state in run.states.values()], batch_size=5000
    )
    recorded = [r for run in runs for r in run.recorded]
    logs = ReviewLog.objects.bulk_create([r.log for r in recorded], batch_size=5000)
    for r, log in zip(recorded, logs, strict=True):
        r.attempt.review_id = log.pk
    Attempt.objects.bulk_create([r.attempt for r in recorded], batch_size=5000)
    reports = QuestionReport.objects.bulk_create([report for run in runs for report in run.reports])
    return len(logs), len(recorded), len(reports)
