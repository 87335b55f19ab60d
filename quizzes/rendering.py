"""Markdown to sanitised HTML. Everything a user types or imports goes through here.

One pipeline: parse (markdown-it; cloze deletions are tokens, see quizzes.cloze_html) → render →
sanitise with nh3 → output. Nothing is inserted into the HTML after it has been sanitised.
"""

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
    "mark",
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
# Explicit per tag: "*" empty, so nh3 adds no attributes of its own (it allows lang and title on
# every tag by default).
_ALLOWED_ATTRIBUTES = {
    "*": set(),
    "a": {"href", "title"},
    "abbr": {"title"},
    "code": {"class"},
    "span": {"class"},
    "th": {"align"},
    "td": {"align"},
}


# A cloze question's blanks: text inputs with exactly these attributes and values, nothing else.
_BLANK_ATTRIBUTES = {"aria-label", "placeholder", "autofocus"}
_BLANK_ATTRIBUTE_VALUES = {
    "type": {"text"},
    "name": {"blank"},
    "autocomplete": {"off"},
    "autocapitalize": {"off"},
    "spellcheck": {"false"},
}
_BLANK_CLASSES = {"input": {"blank", "mono"}, "p": {"blanks"}}


def markdown_parser() -> MarkdownIt:
    """A new CommonMark parser with tables, as every field is parsed."""
    # "html": raw HTML in Markdown is passed through to nh3, which keeps only the safe subset.
    return MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return markdown_parser()


def allowed_markup(*, blanks: bool = False) -> dict[str, set[str]]:
    """The sanitiser's allowlist: tag -> the attributes it may keep (the tests read it)."""
    allowed: dict[str, set[str]] = {tag: set() for tag in _ALLOWED_TAGS}
    for tag, names in _ALLOWED_ATTRIBUTES.items():
        if tag != "*":
            allowed[tag] |= names
    if blanks:
        allowed["input"] = _BLANK_ATTRIBUTES | set(_BLANK_ATTRIBUTE_VALUES) | {"class"}
        allowed["p"] |= {"class"}
    return allowed


def sanitize(html: str, *, blanks: bool = False) -> str:
    """Keep only safe tags and attributes; links get rel=noopener noreferrer.

    `blanks` also keeps a cloze question's text inputs, with fixed attribute values only.
    """
    if not blanks:
        return nh3.clean(
            html,
            tags=_ALLOWED_TAGS,
            attributes=_ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer",
        )
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS | {"input"},
        attributes={**_ALLOWED_ATTRIBUTES, "input": _BLANK_ATTRIBUTES},
        tag_attribute_values={"input": _BLANK_ATTRIBUTE_VALUES},
        allowed_classes=_BLANK_CLASSES,
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


@lru_cache(maxsize=8192)
def markdown_plain(text: str) -> str:
    """One line of Markdown as plain text (no markup at all), for places HTML cannot go."""
    if not text:
        return ""
    tokens = _markdown().parseInline(text, {})
    children = tokens[0].children or [] if tokens else []
    return "".join(
        " " if t.type in ("softbreak", "hardbreak") else t.content
        for t in children
        if t.type in ("text", "text_special", "code_inline", "softbreak", "hardbreak")
    )
