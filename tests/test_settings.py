"""Settings come from the environment, with safe local defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def settings_in_subprocess(env: dict[str, str], expr: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    code = f"import kmodquiz.settings as s; print({expr})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run checks SQLite's options")
def test_sqlite_takes_the_write_lock_at_begin():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]


def test_secret_key_is_required_when_debug_is_off():
    result = settings_in_subprocess({"DEBUG": "0"}, "s.SECRET_KEY")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
    ok = settings_in_subprocess({"DEBUG": "0", "SECRET_KEY": "x" * 50}, "s.DEBUG")
    assert ok.returncode == 0 and ok.stdout.strip() == "False"


def test_database_url_and_allowed_hosts_come_from_the_environment():
    result = settings_in_subprocess(
        {
            "DATABASE_URL": "postgres://u:p@db.example:5433/kq",
            "ALLOWED_HOSTS": "a.example,b.example",
        },
        "(s.DATABASES['default']['HOST'], s.DATABASES['default']['PORT'], s.ALLOWED_HOSTS,"
        " s.DATABASES['default']['OPTIONS'].get('server_side_binding'))",
    )
    assert result.stdout.strip() == "('db.example', 5433, ['a.example', 'b.example'], True)"


def test_local_defaults_are_sqlite_and_localhost():
    result = settings_in_subprocess({}, "(s.DATABASES['default']['ENGINE'], s.ALLOWED_HOSTS)")
    assert "sqlite3" in result.stdout and "127.0.0.1" in result.stdout


@pytest.mark.parametrize(
    ("value", "backend"),
    [
        (None, "django_tasks_db.DatabaseBackend"),
        ("immediate", "django_tasks.backends.immediate.ImmediateBackend"),
        ("rq", "django_tasks_rq.RQBackend"),
        ("django_tasks_rq.RQBackend", "django_tasks_rq.RQBackend"),
    ],
)
def test_tasks_backend_comes_from_the_environment(value, backend):
    env = {} if value is None else {"TASKS_BACKEND": value}
    result = settings_in_subprocess(env, "s.TASKS['default']['BACKEND']")
    assert result.stdout.strip() == backend


def test_the_rq_backend_installs_django_rq_with_the_queue_on_tasks_redis_url():
    result = settings_in_subprocess(
        {"TASKS_BACKEND": "rq", "TASKS_REDIS_URL": "redis://queue.example:6380/3"},
        "('django_rq' in s.INSTALLED_APPS, s.RQ_QUEUES['default']['URL'])",
    )
    assert result.stdout.strip() == "(True, 'redis://queue.example:6380/3')"
    without = settings_in_subprocess(
        {}, "('django_rq' in s.INSTALLED_APPS, hasattr(s, 'RQ_QUEUES'))"
    )
    assert without.stdout.strip() == "(False, False)"


@pytest.mark.parametrize(
    ("value", "engine"),
    [
        (None, "django.contrib.sessions.backends.db"),
        ("cached_db", "django.contrib.sessions.backends.cached_db"),
        ("cache", "django.contrib.sessions.backends.cache"),
        ("django.contrib.sessions.backends.file", "django.contrib.sessions.backends.file"),
    ],
)
def test_the_session_engine_comes_from_the_environment(value, engine):
    env = {} if value is None else {"SESSION_ENGINE": value}
    result = settings_in_subprocess(env, "s.SESSION_ENGINE")
    assert result.stdout.strip() == engine


def test_a_redis_cache_url_selects_djangos_redis_cache():
    result = settings_in_subprocess(
        {"CACHE_URL": "redis://cache.example:6379/0", "STATIC_ROOT": "/srv/static"},
        "(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'], str(s.STATIC_ROOT))",
    )
    assert result.stdout.strip() == (
        "('django.core.cache.backends.redis.RedisCache', 'redis://cache.example:6379/0', "
        "'/srv/static')"
    )
