"""Cloze text as HTML: its deletions are tokens of the Markdown parse, and nh3 runs last.

A deletion `{{c1::answer::hint}}` becomes, before parsing, a slot marker made of private-use
characters (which the author's text cannot contain: they are replaced first). After markdown-it
has parsed the text, a core rule turns each marker into tokens: where it sits in running text, an
`<input>` (the card's own deletions, on the question side), a masked `[hint]` span, or the
answer parsed as inline Markdown (with `<mark>` for the card's deletions when revealed). Where it
sits anywhere else — a link title or target, a code span or fence, raw HTML — it becomes plain
text (escaped there by the renderer like everything else), and the card's input is asked below
the text instead. Then the whole output is sanitised. Nothing is inserted after that.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from quizzes.grading import ClozeDeletion, parse_cloze
from quizzes.rendering import markdown_parser, sanitize

_OPEN, _CLOSE = "\ue000", "\ue001"
_SLOT_RE = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_SENTINELS_RE = re.compile(f"[{_OPEN}{_CLOSE}]")
_INPUT_TAG_RE = re.compile(r"<\s*input\b", re.IGNORECASE)


class Mode(Enum):
    ASK = "ask"  # the card's deletions are inputs (the study page's question)
    MASK = "mask"  # the card's deletions read [...] or [hint] (the API's question)
    REVEAL = "reveal"  # every deletion reads as its answer; the card's are marked


@dataclass
class _Context:
    mode: Mode
    key: str | None  # the card's deletion; None hides (or marks) every deletion
    autofocus: bool
    deletions: list[ClozeDeletion]
    asked: set[int] = field(default_factory=set)  # slots rendered as inputs in the text
    numbers: dict[int, int] = field(default_factory=dict)  # slot -> "Blank n"

    def hidden(self, slot: int) -> bool:
        return self.key is None or self.deletions[slot].key == self.key

    def plain(self, slot: int) -> str:
        """How a slot reads where no markup can go (a title, a code span, a fence)."""
        deletion = self.deletions[slot]
        if self.mode is not Mode.REVEAL and self.hidden(slot):
            return f"[{deletion.hint or '...'}]"
        return deletion.answer


def _fill(text: str, ctx: _Context, *, escape: bool = False) -> str:
    def one(match: re.Match[str]) -> str:
        shown = ctx.plain(int(match.group(1)))
        return html.escape(shown) if escape else shown

    return _SLOT_RE.sub(one, text)


def _fill_href(md: MarkdownIt, href: str, ctx: _Context) -> str | None:
    """A link target with its slots filled, or None when the result is no safe link."""
    pattern = re.compile(
        re.escape(md.normalizeLink(_OPEN)) + r"(\d+)" + re.escape(md.normalizeLink(_CLOSE))
    )
    if not pattern.search(href):
        return href
    filled = pattern.sub(lambda m: md.normalizeLink(ctx.plain(int(m.group(1)))), href)
    return filled if md.validateLink(filled) else None


def _answer_tokens(md: MarkdownIt, slot: int, ctx: _Context) -> list[Token]:
    answer = ctx.deletions[slot].answer
    inline = md.parseInline(answer, {})
    # An answer is what the learner types: its Markdown renders, raw HTML in it reads as text.
    children = [
        _text(child.content) if child.type == "html_inline" else child
        for child in (inline[0].children or [] if inline else [])
    ]
    if ctx.mode is Mode.REVEAL and ctx.key is not None and ctx.hidden(slot):
        return [Token("mark_open", "mark", 1), *children, Token("mark_close", "mark", -1)]
    return children


def _slot_tokens(md: MarkdownIt, slot: int, ctx: _Context) -> list[Token]:
    if ctx.mode is Mode.REVEAL or not ctx.hidden(slot):
        return _answer_tokens(md, slot, ctx)
    if ctx.mode is Mode.MASK or slot in ctx.asked:  # a slot repeated by the parse asks once
        token = Token("cloze_mask", "span", 0)
        token.content = ctx.plain(slot)
        return [token]
    ctx.asked.add(slot)
    return [_input_token(slot, ctx)]


def _input_token(slot: int, ctx: _Context) -> Token:
    token = Token("cloze_input", "input", 0)
    token.meta = {
        "number": ctx.numbers[slot],
        "hint": ctx.deletions[slot].hint or "",
        "autofocus": ctx.autofocus and ctx.numbers[slot] == 1,
    }
    return token


def _split_text(md: MarkdownIt, token: Token, ctx: _Context) -> list[Token]:
    out: list[Token] = []
    last = 0
    for match in _SLOT_RE.finditer(token.content):
        if match.start() > last:
            out.append(_text(token.content[last : match.start()]))
        out.extend(_slot_tokens(md, int(match.group(1)), ctx))
        last = match.end()
    if last < len(token.content):
        out.append(_text(token.content[last:]))
    return out


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _neutralise_html(token: Token, ctx: _Context) -> Token:
    """Raw HTML keeps its place, but an authored <input> must not pose as a blank: as text."""
    filled = _fill(token.content, ctx)
    if ctx.mode is Mode.ASK and _INPUT_TAG_RE.search(filled):
        if token.type == "html_inline":
            return _text(filled)
        token.content = html.escape(filled)
        return token
    token.content = _fill(token.content, ctx, escape=True)
    return token


def _children(md: MarkdownIt, children: list[Token], ctx: _Context) -> list[Token]:
    out: list[Token] = []
    for child in children:
        if child.type == "text":
            out.extend(_split_text(md, child, ctx))
            continue
        if child.type in ("code_inline", "html_inline"):
            if child.type == "html_inline":
                out.append(_neutralise_html(child, ctx))
                continue
            child.content = _fill(child.content, ctx)
        if child.type in ("link_open", "image"):
            if "title" in child.attrs:
                child.attrs["title"] = _fill(str(child.attrs["title"]), ctx)
            for name in ("href", "src"):
                if name in child.attrs:
                    filled = _fill_href(md, str(child.attrs[name]), ctx)
                    if filled is None:
                        del child.attrs[name]
                    else:
                        child.attrs[name] = filled
        if child.type == "image":
            # The alt text is rendered as plain text: no input can sit there.
            for alt in child.children or []:
                alt.content = _fill(alt.content, ctx)
        out.append(child)
    return out


def _cloze_rule(md: MarkdownIt, state: StateCore) -> None:
    ctx: _Context | None = state.env.get("cloze")
    if ctx is None:
        return
    for token in state.tokens:
        if token.type == "inline":
            token.children = _children(md, list(token.children or []), ctx)
        elif token.type == "html_block":
            _neutralise_html(token, ctx)
        else:
            token.content = _fill(token.content, ctx)
            token.info = _fill(token.info, ctx)
    if ctx.mode is not Mode.ASK:
        return
    # Blanks that could not sit in the text (a link title, a code span, a comment): ask below it.
    missing = [n for n, d in enumerate(ctx.deletions) if ctx.hidden(n) and n not in ctx.asked]
    if missing:
        opening = Token("paragraph_open", "p", 1)
        opening.attrs = {"class": "blanks"}
        inline = Token("inline", "", 0)
        inline.children = []
        for n in missing:
            if inline.children:
                inline.children.append(_text(" "))
            inline.children.append(_input_token(n, ctx))
        state.tokens.extend([opening, inline, Token("paragraph_close", "p", -1)])


def _render_input(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    meta = tokens[idx].meta
    hint = meta["hint"]
    label = f"Blank {meta['number']}" + (f" (hint: {hint})" if hint else "")
    return (
        f'<input type="text" name="blank" class="blank mono" aria-label="{html.escape(label)}"'
        f' placeholder="{html.escape(hint or "…")}" autocomplete="off" autocapitalize="off"'
        f' spellcheck="false"{" autofocus" if meta["autofocus"] else ""}>'
    )


def _render_mask(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return f'<span class="blank">{html.escape(tokens[idx].content)}</span>'


@lru_cache(maxsize=1)
def _cloze_markdown() -> MarkdownIt:
    md = markdown_parser()
    md.core.ruler.push("cloze", lambda state: _cloze_rule(md, state))
    md.add_render_rule("cloze_input", _render_input)
    md.add_render_rule("cloze_mask", _render_mask)
    return md


@lru_cache(maxsize=4096)
def cloze_to_html(text: str, *, key: str | None, mode: Mode, autofocus: bool = False) -> str:
    """The cloze text as sanitised HTML, for the card of deletion `key` (None: every deletion)."""
    text = _SENTINELS_RE.sub("\ufffd", text or "")
    deletions = parse_cloze(text)
    parts: list[str] = []
    last = 0
    for index, deletion in enumerate(deletions):
        parts.append(text[last : deletion.start])
        parts.append(f"{_OPEN}{index}{_CLOSE}")
        last = deletion.end
    parts.append(text[last:])
    ctx = _Context(mode=mode, key=key, autofocus=autofocus, deletions=deletions)
    hidden = [n for n in range(len(deletions)) if ctx.hidden(n)]
    ctx.numbers = {slot: number for number, slot in enumerate(hidden, start=1)}
    rendered = _cloze_markdown().render("".join(parts), {"cloze": ctx})
    return sanitize(rendered, blanks=mode is Mode.ASK)
