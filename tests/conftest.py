"""Shared fixtures: pinned time, fuzzing off, and the PostgreSQL/browser markers' rules.

KMODQUIZ_DATABASE_TESTS_ONLY=1 keeps only the tests that use the database (.ci/run's PostgreSQL
pass: the rest cannot behave differently on another database and already ran on SQLite).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from time import monotonic

import pytest
from django.db import connection
from django.utils import timezone

from tests.deploy.servers import missing_servers

_skipped_required: list[str] = []
REQUIRED_BY_CI = {
    "postgres": "KMODQUIZ_REQUIRE_POSTGRES",
    "browser": "KMODQUIZ_REQUIRE_BROWSER",
    "scaleout": "KMODQUIZ_REQUIRE_SCALEOUT",
}


def _requires(marker: str) -> bool:
    return os.environ.get(REQUIRED_BY_CI[marker], "").lower() in {"1", "true", "yes"}


_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


def _uses_database(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & _DATABASE_FIXTURES) or item.get_closest_marker("django_db") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("KMODQUIZ_DATABASE_TESTS_ONLY", "").lower() in {"1", "true", "yes"}:
        # The second CI pass (PostgreSQL) reruns only what a database can change: a test that
        # never touches the database (grading, parsers, the bank's checks) ran on the first.
        kept = [item for item in items if _uses_database(item)]
        config.hook.pytest_deselected(items=[item for item in items if not _uses_database(item)])
        items[:] = kept
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


@pytest.fixture
def midday_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """`timezone.now()` runs on from the next noon UTC instead of the real time of day.

    For the few page tests that assert what a learner day holds: the pages read the clock
    themselves, and a test run in the minutes before the 4 am rollover would see a learning step
    of 10 minutes land on the next day. The clock moves forward (sessions, throttles and the
    like still see time pass) and starts later than anything the test's fixtures wrote."""
    real = timezone.now()
    noon = real.replace(hour=12, minute=0, second=0, microsecond=0)
    start = noon if noon > real else noon + timedelta(days=1)
    began = monotonic()
    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(seconds=monotonic() - began))
    return start
