"""Markdown to sanitised HTML. Everything a user types or imports goes through here."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

_ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "code": {"class"},
    "span": {"class"},
    "th": {"align"},
    "td": {"align"},
}


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # "html": raw HTML in Markdown is passed through to nh3, which keeps only the safe subset.
    return MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")


def sanitize(html: str) -> str:
    """Keep only safe tags and attributes; links get rel=noopener noreferrer."""
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


# Rendering is pure and costs more than the SQL of a study request, so results are memoised
# (per process; a pure function's cache cannot disagree between workers).
@lru_cache(maxsize=4096)
def markdown_to_html(text: str) -> str:
    """Render CommonMark and sanitise the result."""
    if not text:
        return ""
    return sanitize(_markdown().render(text))


@lru_cache(maxsize=8192)
def markdown_inline(text: str) -> str:
    """Render one line of Markdown without a wrapping paragraph (option labels and the like)."""
    if not text:
        return ""
    return sanitize(_markdown().renderInline(text))
