"""Moodle's embedded answers (cloze, `multianswer`) as a kmodquiz cloze.

Each `{1:SHORTANSWER:=modprobe~=insmod}` becomes a deletion `{{c1::modprobe}}` whose other fully
right answers are its alternatives. A numerical or multiple-choice gap becomes a typed one (its
right answer); a multiple-response gap cannot be typed, so such a question is unsupported.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from quizzes.importers.gift_answers import parse_decimal
from quizzes.importers.text import HtmlTooDeep, html_to_markdown, looks_like_html, plain_to_markdown

if TYPE_CHECKING:
    from quizzes.importers.moodle_xml import Reader

_MARKER_RE = re.compile(r"\{(\d*):([A-Za-z_]+):((?:\\.|[^\\}])*)\}")
_SPLIT_RE = re.compile(r"(?<!\\)~")
_WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_UNESCAPE_RE = re.compile(r"\\(.)")
_TYPED = {"SHORTANSWER", "SA", "MW"}
_TYPED_CASE = {"SHORTANSWER_C", "SAC", "MWC"}
_NUMERIC = {"NUMERICAL", "NM"}
_CHOICE = {"MULTICHOICE", "MC", "MCV", "MCH", "MCS", "MCVS", "MCHS"}
_RESPONSE = {"MULTIRESPONSE", "MR", "MRH", "MRS", "MRHS"}


def _right_answers(body: str) -> list[tuple[str, float]]:
    found = []
    for piece in _SPLIT_RE.split(body):
        piece = piece.strip()
        weight = 0.0
        if piece.startswith("="):
            weight, piece = 1.0, piece[1:]
        elif match := _WEIGHT_RE.match(piece):
            weight, piece = float(match.group(1)) / 100, piece[match.end() :]
        text = re.split(r"(?<!\\)#", piece, maxsplit=1)[0]
        found.append((_UNESCAPE_RE.sub(r"\1", text).strip(), weight))
    return found


def cloze_spec(reader: Reader, element: Element) -> dict[str, Any] | None:
    """The cloze spec of a multianswer question, or None (a problem or unsupported)."""
    ctx = reader.ctx
    line = reader.line(element)
    text_element = element.find("questiontext")
    raw = ctx.text(reader.text_of(text_element), line=line, what="the question text")
    fmt = text_element.get("format", "moodle_auto_format") if text_element is not None else ""
    deletions: list[tuple[str, list[str]]] = []
    unsupported = False

    def token(match: re.Match[str]) -> str:
        nonlocal unsupported
        kind = match.group(2).upper()
        answers = _right_answers(match.group(3))
        right = [text for text, weight in answers if weight == 1 and text]
        if kind in _RESPONSE:
            unsupported = True
        elif kind not in _TYPED | _TYPED_CASE | _NUMERIC | _CHOICE:
            ctx.problem(f"unknown embedded answer type {kind!r}", line=line, text=match.group(0))
        elif not right:
            ctx.problem("an embedded answer without a 100% answer", line=line, text=match.group(0))
        else:
            if kind in _NUMERIC:
                right = [r.split(":", 1)[0].strip() for r in right]
                if any(parse_decimal(r) is None for r in right):
                    ctx.problem(
                        "a numerical gap's answer is not a number", line=line, text=match.group(0)
                    )
                ctx.notice(
                    "a numerical gap becomes a typed answer (its tolerance is not kept)", line=line
                )
            elif kind in _CHOICE:
                ctx.notice("a multiple-choice gap becomes a typed answer", line=line, text=right[0])
            elif kind in _TYPED_CASE:
                ctx.notice("a case-sensitive gap is graded ignoring case", line=line, text=right[0])
            for answer in right:
                if "::" in answer or "}}" in answer:
                    ctx.problem(
                        "a gap's answer cannot contain '::' or '}}'", line=line, text=answer
                    )
        # A gap's answer stays plain text: it is compared with what the learner types.
        deletions.append((kind, right))
        return f"KMQGAP{len(deletions)}X"

    tokenised = _MARKER_RE.sub(token, raw)
    if unsupported:
        title = " ".join(reader.text_of(element.find("name")).split())
        ctx.skip("cloze", title, line=line, reason="a multiple-response gap cannot be typed")
        return None
    if not deletions:
        ctx.problem(
            "an embedded-answers question without any {1:SHORTANSWER:=...} gap", line=line, text=raw
        )
        return None
    try:
        if fmt == "markdown":
            text = tokenised
        elif fmt == "plain_text" or (
            fmt == "moodle_auto_format" and not looks_like_html(tokenised)
        ):
            text = plain_to_markdown(tokenised)
        else:
            html = tokenised if fmt == "html" else tokenised.replace("\n", "<br>\n")
            text = html_to_markdown(html, max_depth=ctx.limits.max_depth)
    except HtmlTooDeep as exc:
        ctx.problem(str(exc), line=line, text=raw)
        return None
    alternatives: dict[str, list[str]] = {}
    for number, (_kind, right) in enumerate(deletions, start=1):
        key = f"c{number}"
        answer = right[0] if right else "?"
        text = text.replace(f"KMQGAP{number}X", "{{" + f"{key}::{answer}" + "}}", 1)
        if len(right) > 1:
            alternatives[key] = right[1:]
    spec: dict[str, Any] = {"text": text}
    if alternatives:
        spec["alternatives"] = alternatives
    return spec
