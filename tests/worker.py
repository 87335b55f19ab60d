"""Run the database worker of django-tasks-db inside a test, until its queue is empty.

The worker closes "old" database connections between tasks, as a long-running process must; in
a test that runs inside one transaction on PostgreSQL that would close the test's own
connection, so the check is left out here.
"""

from __future__ import annotations

from unittest import mock

from django.core.management import call_command


def run_worker() -> None:
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
