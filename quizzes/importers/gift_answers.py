"""GIFT answer blocks: `{...}` to a kmodquiz kind and answer spec, with Moodle's rules.

Split from gift.py to keep each module small; gift.py finds the blocks, this reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from quizzes.importers.common import ParseContext
from quizzes.importers.text import (
    HtmlTooDeep,
    html_images,
    html_to_markdown,
    looks_like_html,
    plain_to_markdown,
)

# An escaped control character becomes two private-use characters: offsets stay the same.
_ESCAPES = {"\\": 0, ":": 1, "#": 2, "=": 3, "{": 4, "}": 5, "~": 6, "n": 7}
_MARK = "\ue000"
_ESCAPE_RE = re.compile(r"\\([\\:#={}~n])")
_PLACEHOLDER_RE = re.compile(_MARK + "(.)")
_BACK = {chr(0xE100 + code): char for char, code in _ESCAPES.items()}
_BACK[chr(0xE100 + _ESCAPES["n"])] = "\n"
_FORMAT_RE = re.compile(r"^\s*\[(markdown|html|plain|moodle)\]", re.IGNORECASE)
_WEIGHT_RE = re.compile(r"^\s*%(-?\d{1,3}(?:\.\d+)?)%")
NO_MODEL_ANSWER = "(The imported essay question had no model answer.)"


def escape_pre(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _MARK + chr(0xE100 + _ESCAPES[m.group(1)]), text)


def unescape(text: str) -> str:
    """Placeholders back to the characters they stand for (`\\n` to a new line)."""
    return _PLACEHOLDER_RE.sub(lambda m: _BACK.get(m.group(1), m.group(1)), text)


def option_id(index: int) -> str:
    """a, b, ... z, aa, ab, ... (the ids the native bank uses for options)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def decimal_text(value: Decimal) -> str:
    """A number as plain decimal text: 1822, 3.1415, -0.5 (no exponent, no trailing zeros)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def parse_decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and abs(value) < Decimal("1e15") else None


class _Positions(Protocol):
    def position(self, offset: int) -> tuple[int, int]: ...


@dataclass
class Block:
    """One question's answer block, between `start` and `end` offsets of `body`."""

    ctx: ParseContext
    raw: _Positions
    body: str
    start: int
    end: int
    line: int
    name: str
    text_format: str

    def pos(self, offset: int) -> tuple[int, int]:
        return self.raw.position(offset)

    def markdown(
        self, text: str, fmt: str, *, line: int, what: str, column: int | None = None
    ) -> str:
        """A GIFT text (with its own `[format]` prefix, else `fmt`) as kmodquiz Markdown."""
        prefix = _FORMAT_RE.match(text)
        if prefix:
            fmt, text = prefix.group(1).lower(), text[prefix.end() :]
        text = self.ctx.text(unescape(text).strip(), line=line, column=column, what=what)
        try:
            if fmt == "markdown":
                return text
            if fmt == "plain":
                return plain_to_markdown(text)
            if fmt == "moodle" and not looks_like_html(text):
                return plain_to_markdown(text)
            html = text if fmt == "html" else text.replace("\n", "<br>\n")
            for src in html_images(html):
                self.ctx.notice("an embedded image is not imported", line=line, text=src)
            return html_to_markdown(html, max_depth=self.ctx.limits.max_depth)
        except HtmlTooDeep as exc:
            self.ctx.problem(str(exc), line=line, column=column, text=text)
            return ""

    def segments(self, a: int, b: int, seps: str) -> list[tuple[str, int, int]]:
        """(separator, start, end) of each piece of body[a:b] split at any of `seps`."""
        pieces: list[tuple[str, int, int]] = []
        sep, begin = "", a
        for i in range(a, b):
            if self.body[i] in seps:
                pieces.append((sep, begin, i))
                sep, begin = self.body[i], i + 1
        pieces.append((sep, begin, b))
        return pieces

    def skip(self, type_: str, reason: str, prompt: str) -> None:
        self.ctx.skip(type_, self.name or prompt, line=self.line, reason=reason)


@dataclass
class _Answer:
    text: str  # still raw GIFT (escaped, with a possible [format] prefix)
    weight: Decimal
    feedback: str
    line: int
    column: int
    has_weight: bool


def _answers(block: Block, a: int, b: int, seps: str, default: Decimal) -> list[_Answer]:
    found: list[_Answer] = []
    for sep, s, e in block.segments(a, b, seps):
        piece = block.body[s:e]
        if not piece.strip():
            if sep:
                line, column = block.pos(s - 1)
                block.ctx.problem("an empty answer", line=line, column=column)
            continue
        offset = s + len(piece) - len(piece.lstrip())
        line, column = block.pos(offset)
        weight = Decimal(1) if sep == "=" else default
        has_weight = False
        if match := _WEIGHT_RE.match(piece):
            weight, has_weight = Decimal(match.group(1)) / 100, True
            piece = piece[match.end() :]
        text, _, feedback = piece.partition("#")
        found.append(_Answer(text.strip(), weight, feedback.strip(), line, column, has_weight))
    return found


def _feedback_list(block: Block, pairs: list[tuple[str, str, int]]) -> str:
    lines = [
        f"- **{label}**: {block.markdown(fb, block.text_format, line=ln, what='the feedback')}"
        for label, fb, ln in pairs
        if fb.strip()
    ]
    return "Feedback on the answers:\n\n" + "\n".join(lines) if lines else ""


def answer_spec(block: Block, prompt: str) -> tuple[str, dict[str, Any], str] | None:
    """(kind, spec, explanation) of the block, or None when it is wrong or unsupported."""
    region = block.body[block.start : block.end]
    general = ""
    gf_at = region.rfind("####")
    end = block.end
    if gf_at != -1:
        line, column = block.pos(block.start + gf_at)
        general = block.markdown(
            region[gf_at + 4 :], block.text_format, line=line, column=column, what="the feedback"
        )
        end = block.start + gf_at
    a = (
        block.start
        + len(block.body[block.start : end])
        - len(block.body[block.start : end].lstrip())
    )
    answer_text = block.body[a:end].strip()

    def explanation(extra: str = "") -> str:
        return "\n\n".join(part for part in (general, extra) if part)

    if not answer_text:
        if not general:
            block.ctx.notice(
                "an essay question without feedback becomes a flashcard with no model answer",
                line=block.line,
                text=block.name or prompt,
            )
        return "flashcard", {"back": general or NO_MODEL_ANSWER}, ""
    if answer_text.startswith("#"):
        return _numerical(block, a + 1, end, prompt, explanation)
    if "~" in answer_text:
        return _choice(block, a, end, prompt, explanation, single="=" in answer_text)
    if "=" in answer_text and "->" in answer_text:
        return _matching(block, a, end, prompt, explanation)
    answer, _, feedbacks = answer_text.partition("#")
    if answer.strip() in ("T", "TRUE", "F", "FALSE"):
        wrong, _, right = feedbacks.partition("#")
        correct = answer.strip() in ("T", "TRUE")
        listed = _feedback_list(
            block,
            [
                (str(correct), right, block.line),
                (str(not correct), wrong, block.line),
            ],
        )
        return "true_false", {"correct": correct}, explanation(listed)
    return _short_answer(block, a, end, prompt, explanation)


def _choice(block: Block, a: int, b: int, prompt: str, explanation: Any, *, single: bool) -> Any:
    answers = _answers(block, a, b, "~=", Decimal(0))
    options, feedback = [], []
    for index, answer in enumerate(answers):
        text = block.markdown(
            answer.text, block.text_format, line=answer.line, column=answer.column, what="an answer"
        )
        if not text.strip():
            block.ctx.problem("an answer without text", line=answer.line, column=answer.column)
        options.append({"id": option_id(index), "text": text})
        feedback.append((text, answer.feedback, answer.line))
    if len(options) < 3:
        block.skip("multiple choice", f"{len(options)} answers; kmodquiz needs at least 3", prompt)
        return None
    if single:
        right = [o["id"] for o, ans in zip(options, answers, strict=True) if ans.weight == 1]
        if len(right) != 1:
            reason = "several answers are fully right, of which the learner picks one"
            block.skip("multiple choice", reason, prompt)
            return None
        partial = [ans for ans in answers if 0 < ans.weight < 1]
        for ans in partial:
            block.ctx.notice(
                f"partial credit ({ans.weight:.0%}) is not kept: this answer counts as wrong",
                line=ans.line,
                text=ans.text,
            )
        spec = {"options": options, "correct": right[0]}
        return "single_choice", spec, explanation(_feedback_list(block, feedback))
    right = [o["id"] for o, ans in zip(options, answers, strict=True) if ans.weight > 0]
    if not right:
        line, column = block.pos(a)
        block.ctx.problem("no answer has a positive weight", line=line, column=column)
        return None
    spec = {"options": options, "correct": right}
    return "multiple_choice", spec, explanation(_feedback_list(block, feedback))


def _matching(block: Block, a: int, b: int, prompt: str, explanation: Any) -> Any:
    left: list[dict[str, str]] = []
    right: list[dict[str, str]] = []
    pairs: dict[str, str] = {}
    for sep, s, e in block.segments(a, b, "="):
        piece = block.body[s:e]
        if not piece.strip():
            continue
        line, column = block.pos(s + len(piece) - len(piece.lstrip()))
        if not sep or "->" not in piece:
            block.ctx.problem(
                "a matching pair is written '=left -> right'", line=line, column=column, text=piece
            )
            continue
        lhs, _, rhs = piece.partition("->")
        target = block.ctx.text(unescape(rhs).strip(), line=line, what="a match")
        if block.text_format != "markdown":  # Moodle shows the right side as plain text
            target = plain_to_markdown(target)
        if not target:
            block.ctx.problem("a pair without its right-hand side", line=line, column=column)
            continue
        rid = next((r["id"] for r in right if r["text"] == target), None)
        if rid is None:
            rid = f"r{len(right) + 1}"
            right.append({"id": rid, "text": target})
        if lhs.strip():
            lid = f"l{len(left) + 1}"
            left.append(
                {
                    "id": lid,
                    "text": block.markdown(lhs, block.text_format, line=line, what="a pair"),
                }
            )
            pairs[lid] = rid
    if len(left) < 3:
        block.skip("matching", f"{len(left)} pairs; kmodquiz needs at least 3", prompt)
        return None
    if len(right) < 3:
        block.skip("matching", f"{len(right)} answers; kmodquiz needs at least 3", prompt)
        return None
    return "matching", {"left": left, "right": right, "pairs": pairs}, explanation()


def _short_answer(block: Block, a: int, b: int, prompt: str, explanation: Any) -> Any:
    answers = _answers(block, a, b, "=", Decimal(1))
    accepted, feedback = [], []
    for answer in answers:
        text = unescape(answer.text).strip()
        text = block.ctx.text(text, line=answer.line, column=answer.column, what="an answer")
        if text == "*":
            block.ctx.notice("a catch-all '*' answer is not kept", line=answer.line, text=text)
            continue
        if answer.weight == 1:
            accepted.append(text)
        elif answer.weight > 0:
            block.ctx.notice(
                f"partial credit ({answer.weight:.0%}) is not kept: this answer counts as wrong",
                line=answer.line,
                text=text,
            )
        feedback.append((text, answer.feedback, answer.line))
    if not accepted:
        line, column = block.pos(a)
        block.ctx.problem("no answer is fully right (100%)", line=line, column=column)
        return None
    return "short_answer", {"accepted": accepted}, explanation(_feedback_list(block, feedback))


def _numerical(block: Block, a: int, b: int, prompt: str, explanation: Any) -> Any:
    region = block.body[a:b]
    wrong_at = region.find("~")
    wrong_feedback = ""
    if wrong_at != -1:
        wrong_feedback = region[wrong_at + 1 :].lstrip("#").strip()
        b = a + wrong_at
    answers = _answers(block, a, b, "=", Decimal(1))
    problems_before = len(block.ctx.problems)
    right: list[tuple[Decimal, Decimal]] = []
    feedback = []
    for answer in answers:
        value_text = unescape(answer.text).strip()
        value, tolerance = _number_and_tolerance(value_text)
        if value is None or tolerance is None or tolerance < 0:
            block.ctx.problem(
                "a numerical answer is a number, 'number:tolerance' or 'min..max'",
                line=answer.line,
                column=answer.column,
                text=value_text,
            )
            continue
        if answer.weight == 1:
            right.append((value, tolerance))
        elif answer.weight > 0:
            block.ctx.notice(
                f"partial credit ({answer.weight:.0%}) is not kept: this answer counts as wrong",
                line=answer.line,
                text=value_text,
            )
        feedback.append((value_text, answer.feedback, answer.line))
    if wrong_feedback:
        feedback.append(("any other answer", wrong_feedback, block.line))
    if not right:
        if len(block.ctx.problems) == problems_before:
            line, column = block.pos(a)
            block.ctx.problem("no numerical answer is fully right (100%)", line=line, column=column)
        return None
    if len({t for _, t in right}) > 1:
        block.skip("numerical", "right answers with different tolerances", prompt)
        return None
    spec = {
        "accepted": list(dict.fromkeys(decimal_text(v) for v, _ in right)),
        "tolerance": _json_number(right[0][1]),
    }
    return "short_answer", spec, explanation(_feedback_list(block, feedback))


def _number_and_tolerance(text: str) -> tuple[Decimal | None, Decimal | None]:
    if ".." in text[1:]:
        low, _, high = text.partition("..")
        lo, hi = parse_decimal(low), parse_decimal(high)
        if lo is None or hi is None or hi < lo:
            return None, None
        return (lo + hi) / 2, (hi - lo) / 2
    if ":" in text:
        value, _, tolerance = text.partition(":")
        return parse_decimal(value), parse_decimal(tolerance)
    return parse_decimal(text), Decimal(0)


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
