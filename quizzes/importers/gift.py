"""GIFT, Moodle's text format for questions (docs/formats.md#gift), read as Moodle reads it.

Questions are separated by blank lines; `//` starts a comment line. `::title::` names a question
(its external id), `$CATEGORY: a/b` puts the following questions under the topic a › b. The answer
block `{...}` decides the kind, with Moodle's own rules: `#` numerical, `~` multiple choice, `=` and
`->` matching, `T`/`F` true/false, else short answer; empty braces an essay; no braces a
description. Text after the block makes a missing-word question (the blank becomes "_____").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizzes.importers.base import ParsedBank, ParsedQuestion, ParseLimits
from quizzes.importers.common import ParseContext, decode_text
from quizzes.importers.gift_answers import Block, answer_spec, escape_pre, unescape

_FORMAT_RE = re.compile(r"^\s*\[(markdown|html|plain|moodle)\]", re.IGNORECASE)
_CATEGORY_ROOT_RE = re.compile(r"^\$[a-z0-9]+\$$")


def category_titles(path: str) -> list[str]:
    """`$course$/top/Unit 1/Locks` -> ["Unit 1", "Locks"] (Moodle writes '//' for a '/')."""
    parts = [p.replace("\0", "/").strip() for p in path.replace("//", "\0").split("/")]
    parts = [p for p in parts if p]
    if parts and _CATEGORY_ROOT_RE.match(parts[0]):
        parts = parts[1:]
        if parts and parts[0] == "top":
            parts = parts[1:]
    return parts


@dataclass
class _Raw:
    """One question's lines, joined, with comment lines emptied (offsets stay valid)."""

    text: str
    first_line: int

    def position(self, offset: int) -> tuple[int, int]:
        before = self.text[:offset]
        line = self.first_line + before.count("\n")
        return line, offset - (before.rfind("\n") + 1) + 1


def _blocks(text: str) -> list[_Raw]:
    blocks: list[_Raw] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            if current:
                blocks.append(_Raw("\n".join(current), start))
            current = []
            continue
        if not current:
            start = number
        current.append("" if line.strip().startswith("//") else line)
    if current:
        blocks.append(_Raw("\n".join(current), start))
    return blocks


def read(data: bytes, *, filename: str, skip_unsupported: bool, limits: ParseLimits) -> ParsedBank:
    """Parse a GIFT file; ParseError lists every problem (line and column of each)."""
    ctx = ParseContext(limits=limits, filename=filename)
    text = decode_text(data, ctx)
    questions: list[ParsedQuestion] = []
    topic: str | None = None
    for raw in _blocks(text or ""):
        if len(questions) > limits.max_questions:
            break
        body = escape_pre(raw.text)
        stripped = body.lstrip()
        if not stripped:
            continue
        if stripped.startswith("$CATEGORY:"):
            first, _, rest = stripped.partition("\n")
            titles = category_titles(unescape(first[len("$CATEGORY:") :]).strip())
            line = raw.position(len(body) - len(stripped))[0]
            topic = ctx.topic_path(titles, line=line) if titles else None
            if not rest.strip():
                continue
            offset = len(body) - len(rest)
            body = " " * offset + rest  # keep offsets: the question starts on a later line
        question = _question(ctx, raw, body, topic)
        if question is not None:
            questions.append(question)
    return ctx.finish(questions, skip_unsupported=skip_unsupported)


def _question(ctx: ParseContext, raw: _Raw, body: str, topic: str | None) -> ParsedQuestion | None:
    start = len(body) - len(body.lstrip())
    line = raw.position(start)[0]
    name = ""
    text_start = start
    if body.startswith("::", start):
        end = body.find("::", start + 2)
        if end == -1:
            column = raw.position(start)[1]
            ctx.problem("the title has no closing '::'", line=line, column=column, text=body)
            return None
        name = " ".join(unescape(body[start + 2 : end]).split())
        text_start = end + 2
    open_at = body.find("{", text_start)
    close_at = body.find("}", text_start)
    if open_at == -1 and close_at == -1:
        title = name or " ".join(unescape(body[text_start:]).split())
        ctx.notice(
            "a description (text without an answer) is not a question: left out",
            line=line,
            text=title,
        )
        return None
    if close_at == -1:
        ln, col = raw.position(open_at)
        ctx.problem(
            "the answer block has no closing '}' (write \\{ for a literal brace)",
            line=ln,
            column=col,
            text=body[open_at:],
        )
        return None
    if open_at == -1 or close_at < open_at:
        ln, col = raw.position(close_at)
        ctx.problem(
            "a '}' without its '{' (write \\} for a literal brace)",
            line=ln,
            column=col,
            text=body[close_at:],
        )
        return None
    extra = min(
        (i for i in (body.find("{", close_at), body.find("}", close_at + 1)) if i != -1), default=-1
    )
    if extra != -1:
        ln, col = raw.position(extra)
        ctx.problem(
            "a question has one answer block: escape a literal brace as \\{ or \\}",
            line=ln,
            column=col,
            text=body[extra:],
        )
        return None
    before, after = body[text_start:open_at], body[close_at + 1 :]
    prompt_raw = (before + ("_____" + after if after.strip() else "")).strip()
    fmt_match = _FORMAT_RE.match(prompt_raw)
    text_format = fmt_match.group(1).lower() if fmt_match else "moodle"
    if fmt_match:
        prompt_raw = prompt_raw[fmt_match.end() :].strip()
    block = Block(
        ctx=ctx,
        raw=raw,
        body=body,
        start=open_at + 1,
        end=close_at,
        line=line,
        name=name,
        text_format=text_format,
    )
    prompt = block.markdown(prompt_raw, text_format, line=line, what="the question text")
    if not prompt.strip():
        ctx.problem("the question text is empty", line=line, text=body)
    spec_kind = answer_spec(block, prompt)
    if spec_kind is None:
        return None
    kind, spec, explanation = spec_kind
    external_id = ctx.external_id(name, fallback=prompt, prefix="gift", line=line)
    return ParsedQuestion(
        external_id=external_id,
        kind=kind,
        prompt=prompt,
        explanation=explanation,
        spec=spec,
        topics=(topic or ctx.default_topic(),),
        line=line,
    )
