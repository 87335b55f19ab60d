"""The API's notion of "now", in one place so that tests can pin it."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    """The current instant (UTC, aware). Tests monkeypatch this function."""
    return timezone.now()
