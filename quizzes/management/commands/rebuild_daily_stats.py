"""Rebuild the per-learner-day aggregates (DailyStat) from the review log.

Reviews and undos keep them in step as they happen; this recomputes them, for every learner or
the ones named, e.g. after restoring a backup of the log or importing reviews from elsewhere.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from quizzes.models import DailyStat
from quizzes.services.daily_stats import daily_stats_rebuild, learners_with_reviews


class Command(BaseCommand):
    help = "Rebuild the per-learner-day review aggregates (DailyStat) from the review log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--learner",
            action="append",
            default=[],
            metavar="USER",
            help="Only this learner (a username); may be given more than once.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model()
        names = options["learner"]
        if names:
            learners = list(users.objects.filter(username__in=names))
            missing = sorted(set(names) - {u.get_username() for u in learners})
            if missing:
                raise CommandError(f"no such user: {', '.join(missing)}")
        else:
            ids = set(learners_with_reviews()) | set(
                DailyStat.objects.values_list("learner_id", flat=True).distinct()
            )
            learners = list(users.objects.filter(pk__in=ids).order_by("pk"))
        rows = 0
        for learner in learners:
            rows += daily_stats_rebuild(learner=learner)
        self.stdout.write(f"Rebuilt {rows} daily rows for {len(learners)} learner(s).")
