"""Shared fixtures: pinned time, fuzzing off, and the PostgreSQL/browser markers' rules."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from django.db import connection

from tests.deploy.servers import missing_servers

_skipped_required: list[str] = []
REQUIRED_BY_CI = {
    "postgres": "KMODQUIZ_REQUIRE_POSTGRES",
    "browser": "KMODQUIZ_REQUIRE_BROWSER",
    "scaleout": "KMODQUIZ_REQUIRE_SCALEOUT",
}


def _requires(marker: str) -> bool:
    return os.environ.get(REQUIRED_BY_CI[marker], "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    is_postgres = connection.vendor == "postgresql"
    missing = missing_servers()
    for item in items:
        if "scaleout" in item.keywords and missing:
            item.add_marker(
                pytest.mark.skip(reason="starts its own servers; missing: " + ", ".join(missing))
            )
        if "postgres" in item.keywords and not is_postgres:
            item.add_marker(
                pytest.mark.skip(
                    reason="needs PostgreSQL: SQLite serialises writers, so there is no race "
                    "to test (set DATABASE_URL=postgres://...; .ci/run does)"
                )
            )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        for marker in REQUIRED_BY_CI:
            if marker in report.keywords and _requires(marker):
                _skipped_required.append(f"{report.nodeid} ({marker})")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skipped_required:
        print("\nFAIL: tests that CI requires were skipped:\n  " + "\n  ".join(_skipped_required))
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _no_fuzzing(settings: pytest.FixtureRequest) -> None:
    """Scheduler fuzzing off in every test, so due dates are exact."""
    settings.KMODQUIZ = {**settings.KMODQUIZ, "ENABLE_FUZZING": False}


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings: pytest.FixtureRequest) -> None:
    """Background tasks run in the request in tests, so their effects can be asserted at once."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


@pytest.fixture
def now() -> datetime:
    """A pinned, timezone-aware UTC instant (a Monday, noon UTC)."""
    return datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
