"""kmodquiz's own settings, read at call time (so tests can override them)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "LEECH_THRESHOLD": 8,
    "ENABLE_FUZZING": True,
    "MAXIMUM_INTERVAL_DAYS": 36500,
    "LEARN_AHEAD_MINUTES": 20,
    "ANSWER_TIME_CAP_SECONDS": 60,
    "SIGNUP_ENABLED": True,
    "TRUSTED_PROXIES": 0,
    "LTI_SCORE_INTERVAL_MINUTES": 5,
    "LTI_KEY_GRACE_DAYS": 7,
    "IMPORT_MAX_BYTES": 10 * 1024 * 1024,
    "IMPORT_TASK_THRESHOLD": 500,
}


def get(name: str) -> Any:
    """Return the current value of one KMODQUIZ setting."""
    return getattr(settings, "KMODQUIZ", {}).get(name, DEFAULTS[name])
