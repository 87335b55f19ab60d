"""Background tasks of the core app (Django's tasks framework). Each is idempotent."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from quizzes.services import optimise


@task()
def optimise_parameters(fit_id: int) -> str:
    """Fit a learner's scheduler parameters (a ParameterFit queued by parameter_fit_request)."""
    fit = optimise.parameter_fit_run(fit_id=fit_id, now=timezone.now())
    return f"{fit.status}: {fit.message}"
