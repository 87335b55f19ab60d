"""Background tasks (Django's tasks framework: the django-tasks backport on Django 5.2).

Each task takes only ids (JSON), is idempotent and safe to retry: its body lives in a service.
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from quizzes.services import optimise
from quizzes.services.imports import import_run_execute


@task()
def import_run_task(run_id: int) -> str:
    """Run a queued import (parse, compare, preview or apply); returns the run's final status."""
    return import_run_execute(run_id=run_id, now=timezone.now())


@task()
def optimise_parameters(fit_id: int) -> str:
    """Fit a learner's scheduler parameters (a ParameterFit queued by parameter_fit_request)."""
    fit = optimise.parameter_fit_run(fit_id=fit_id, now=timezone.now())
    return f"{fit.status}: {fit.message}"
