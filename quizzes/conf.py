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
    # Personal scheduler parameters are kept only with this many live reviews (Anki's minimum
    # for optimising) and this many held-out later items to test them on.
    "OPTIMISER_MIN_REVIEWS": 400,
    # Time since a card's last review: "learner-days" as Anki counts it, or "24h" as fsrs does
    # (whole 24-hour periods). bench/scheduler_sim.py compares them; README has the figures.
    "ELAPSED_DAYS": "learner-days",
    "OPTIMISER_MIN_TEST_ITEMS": 50,
    "IMPORT_MAX_BYTES": 10 * 1024 * 1024,
    "IMPORT_TASK_THRESHOLD": 500,
}


def get(name: str) -> Any:
    """Return the current value of one KMODQUIZ setting."""
    return getattr(settings, "KMODQUIZ", {}).get(name, DEFAULTS[name])
