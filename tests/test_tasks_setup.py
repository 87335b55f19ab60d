"""Background tasks: the database backend is installed, and tests run tasks at once."""

from __future__ import annotations

import pytest
from django_tasks import task, task_backends
from django_tasks.backends.immediate import ImmediateBackend

from tests.worker import run_worker

_ran: list[int] = []


@task()
def _record(value: int) -> int:
    _ran.append(value)
    return value * 2


@pytest.mark.django_db
def test_tests_run_tasks_immediately():
    assert isinstance(task_backends["default"], ImmediateBackend)
    result = _record.enqueue(21)
    assert result.return_value == 42 and _ran[-1] == 21


@pytest.mark.django_db
def test_the_database_worker_runs_a_queued_task(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = _record.enqueue(5)
    assert result.status == "READY"
    run_worker()
    result.refresh()
    assert result.status == "SUCCESSFUL" and result.return_value == 10
