"""Fit personal FSRS parameters to learners' review logs.

    manage.py optimise_scheduler --learner alice          # one learner (repeatable)
    manage.py optimise_scheduler --all                    # every learner with enough reviews
    manage.py optimise_scheduler --all --queue            # hand the runs to the task worker

Each run is recorded (settings page, `GET /api/v1/me/optimise`); the fitted parameters replace the
learner's only when they predict the learner's later, held-out reviews better (docs/scheduler.md).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from quizzes import conf
from quizzes.models import ParameterFit
from quizzes.services import optimise


class Command(BaseCommand):
    help = "Fit personal FSRS scheduler parameters to learners' review logs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--learner", action="append", default=[], metavar="USER")
        parser.add_argument(
            "--all",
            action="store_true",
            help="Every learner with at least OPTIMISER_MIN_REVIEWS live reviews.",
        )
        parser.add_argument(
            "--queue", action="store_true", help="Queue background tasks instead of running here."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model()
        names = options["learner"]
        if not names and not options["all"]:
            raise CommandError("name a learner (--learner USER) or ask for --all")
        learners = list(users.objects.filter(username__in=names))
        missing = sorted(set(names) - {u.get_username() for u in learners})
        if missing:
            raise CommandError(f"no such user: {', '.join(missing)}")
        if options["all"]:
            ids = optimise.learners_to_optimise(min_reviews=conf.get("OPTIMISER_MIN_REVIEWS"))
            learners += list(users.objects.filter(pk__in=ids).exclude(username__in=names))
        for learner in sorted(learners, key=lambda u: u.pk):
            fit = optimise.parameter_fit_request(learner=learner, now=timezone.now())
            if not options["queue"] and fit.status == ParameterFit.Status.QUEUED:
                fit = optimise.parameter_fit_run(fit_id=fit.pk, now=timezone.now())
            self.stdout.write(f"{learner.get_username()}: {_describe(fit)}")


def _describe(fit: ParameterFit) -> str:
    if fit.status == ParameterFit.Status.QUEUED:
        return "queued"
    figures = ""
    if fit.log_loss_after is not None:
        figures = (
            f" (log loss {fit.log_loss_before:.4f} -> {fit.log_loss_after:.4f}, "
            f"RMSE {fit.rmse_before:.4f} -> {fit.rmse_after:.4f})"
        )
    return f"{fit.reviews} reviews, {'kept' if fit.kept else 'not kept'}{figures}. {fit.message}"
