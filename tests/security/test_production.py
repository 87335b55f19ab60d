"""The production profile (DJANGO_ENV=production) passes Django's deployment checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # (The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process: a deployment never has it.)
    unwanted = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "quiz.example.org",
}


def test_the_production_profile_passes_the_deploy_check_with_no_warning():
    result = run(PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_the_profile_the_deploy_check_warns():
    result = run(
        {"DEBUG": "0", "SECRET_KEY": PRODUCTION["SECRET_KEY"]},
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS outside the profile


def test_the_profile_sets_https_only_settings_and_reads_the_proxy_header():
    expr = (
        "(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER, s.SECURE_REFERRER_POLICY)"
    )
    code = f"import kmodquiz.settings as s; print({expr})"
    default = run(PRODUCTION, "-c", code)
    assert default.stdout.strip() == (
        "(False, True, 31536000, True, True, ('HTTP_X_FORWARDED_PROTO', 'https'), 'same-origin')"
    ), default.stderr
    custom = run({**PRODUCTION, "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Scheme: https"}, "-c", code)
    assert "('HTTP_X_FORWARDED_SCHEME', 'https')" in custom.stdout
    none = run({**PRODUCTION, "SECURE_PROXY_SSL_HEADER": ""}, "-c", code)
    assert ", None, 'same-origin')" in none.stdout


def test_debug_cannot_be_on_in_production():
    result = run({**PRODUCTION, "DEBUG": "1"}, "-c", "import kmodquiz.settings")
    assert result.returncode != 0 and "DEBUG must be off" in result.stderr
