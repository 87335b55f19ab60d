"""Give `make run` a cohort with history: the demo learner and about forty simulated learners of
varied ability, memory and diligence, studying every active bank for ninety days.

Time is simulated; each answer is graded, scheduled and recorded as review_submit records it
(quizzes/demo/recorder.py) and the rows are written in bulk, so the dashboard, the progress page
and the instructor's item analysis, cohort and mastery pages of a fresh `make run` show a
realistic picture in a few seconds. Learners who already have study history are left alone.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from quizzes.demo.cohort import build_cohort
from quizzes.models import Bank


class Command(BaseCommand):
    help = (
        "Simulate the demo learner and a cohort of learners (default 40) over the last 90 days "
        "in every active bank, writing reviews, first attempts and card states in bulk. "
        "Learners who already have reviews are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--learners", type=int, default=40, help="simulated learners")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--no-demo-learner", action="store_true", help="leave the demo learner out"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 1 or options["learners"] < 0:
            raise CommandError("--days must be at least 1 and --learners at least 0")
        if not Bank.objects.active().exists():
            raise CommandError("no active bank: load one first (manage.py load_bank …)")
        started = time.perf_counter()
        result = build_cohort(
            now=timezone.now(),
            days=options["days"],
            learners=options["learners"],
            seed=options["seed"],
            demo_learner=not options["no_demo_learner"],
        )
        seconds = time.perf_counter() - started
        if result.skipped:
            self.stdout.write(
                f"{len(result.skipped)} learner(s) already had study history and were left "
                f"alone: {', '.join(result.skipped[:5])}{' …' if len(result.skipped) > 5 else ''}"
            )
        self.stdout.write(
            f"{result.learners} learner(s) simulated over {options['days']} days: "
            f"{result.reviews} reviews, {result.attempts} attempts, {result.reports} "
            f"reports, in {seconds:.1f} s."
        )
