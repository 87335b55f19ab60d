"""Template filters of the pages: Markdown (sanitised), percentages, intervals."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from quizzes.models import CardStatus, Rating
from quizzes.rendering import markdown_inline, markdown_plain, markdown_to_html
from quizzes.scheduling import format_interval

register = template.Library()


@register.filter
def markdown(text: str | None) -> SafeString:
    """Authored Markdown as HTML, sanitised by quizzes.rendering (never |safe on raw text)."""
    return mark_safe(markdown_to_html(text or ""))


@register.filter
def markdown_line(text: str | None) -> SafeString:
    return mark_safe(markdown_inline(text or ""))


@register.filter
def markdown_text(text: str | None) -> str:
    """Markdown as plain text (autoescaped by the template like any string)."""
    return markdown_plain(text or "")


@register.filter
def answer_text(answer: Any) -> str:
    """An answer payload as plain text: a typed answer as typed, a cloze's blanks by key."""
    if isinstance(answer, str):
        return answer
    if isinstance(answer, dict):
        return "; ".join(f"{key}: {value}" for key, value in answer.items())
    return json.dumps(answer, ensure_ascii=False)


@register.filter
def percent(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{100 * value:.{digits}f}%"


@register.filter
def interval_from(moment: datetime | None, start: datetime | None) -> str:
    """The Anki-style interval between two instants ("3d"), or "" when either is missing."""
    if moment is None or start is None:
        return ""
    return format_interval(moment - start)


@register.filter
def seconds_interval(seconds: int | None) -> str:
    """An interval stored in seconds, Anki-style ("10m", "3d")."""
    if seconds is None:
        return ""
    return format_interval(timedelta(seconds=seconds))


@register.filter
def rating_label(value: Any) -> str:
    try:
        return Rating(int(value)).label
    except (TypeError, ValueError):
        return ""


@register.filter
def status_label(value: Any) -> str:
    try:
        return CardStatus(int(value)).label
    except (TypeError, ValueError):
        return ""
