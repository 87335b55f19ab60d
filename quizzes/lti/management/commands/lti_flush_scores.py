"""Send every pending LTI score now (those waiting out a failure's backoff too with --force)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from quizzes.lti.services import scores


class Command(BaseCommand):
    help = "Send the learners' pending scores to the platforms' gradebooks (run from cron)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Ignore retry backoffs.")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        counts: dict[str, int] = {}
        for sync_id in scores.scores_pending(now=now, force=options["force"]):
            outcome = scores.score_publish(sync_id=sync_id, now=now, force=True)
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing"
        self.stdout.write(f"Scores: {summary}.")
        if counts.get("failed"):
            self.stderr.write("Some scores failed; see the course pages or ScoreSync in the admin.")
