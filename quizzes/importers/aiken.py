"""Aiken, Moodle's simplest format: single-choice questions in plain text (docs/formats.md#aiken).

    The Moodle project was started by:
    A) Petr Skoda
    B) Martin Dougiamas
    ANSWER: B

A question is its text (one or more lines), options `A)` or `A.` and an `ANSWER:` line. Text is
plain, so it is escaped into Markdown (a `<b>` shows as `<b>`). Two options "True" and "False"
make a true/false question; other questions need 3 options or more in kmodquiz.
"""

from __future__ import annotations

import re

from quizzes.importers.base import ParsedBank, ParsedQuestion, ParseLimits
from quizzes.importers.common import ParseContext, decode_text
from quizzes.importers.gift_answers import option_id
from quizzes.importers.text import plain_to_markdown

_OPTION_RE = re.compile(r"^([A-Z])[.)][ \t]+(.*)$")
_ANSWER_RE = re.compile(r"^ANSWER\s*:\s*(.*)$", re.IGNORECASE)


def read(data: bytes, *, filename: str, skip_unsupported: bool, limits: ParseLimits) -> ParsedBank:
    """Parse an Aiken file; ParseError lists every problem (line and column of each)."""
    ctx = ParseContext(limits=limits, filename=filename)
    text = decode_text(data, ctx) or ""
    questions: list[ParsedQuestion] = []
    stem: list[str] = []
    stem_line = 0
    options: list[tuple[str, str, int]] = []  # (letter, text, line)

    def reset() -> None:
        nonlocal stem, options
        stem, options = [], []

    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        if len(questions) > limits.max_questions:
            break
        if answer := _ANSWER_RE.match(line):
            question = _question(ctx, stem, stem_line, options, answer.group(1).strip(), number)
            if question is not None:
                questions.append(question)
            reset()
        elif option := _OPTION_RE.match(line):
            if not stem:
                ctx.problem("an option before any question text", line=number, column=1, text=line)
                continue
            options.append((option.group(1), option.group(2).strip(), number))
        elif options:
            # Text after the options: a continuation of the last one would be ambiguous, and
            # a new question cannot start before this one's ANSWER line.
            ctx.problem(
                "expected an option ('C) ...') or the 'ANSWER:' line",
                line=number,
                column=1,
                text=line,
            )
        else:
            if not stem:
                stem_line = number
            stem.append(ctx.text(line, line=number, what="the question text"))
    if stem or options:
        ctx.problem("the last question has no 'ANSWER:' line", line=stem_line, text=" ".join(stem))
    return ctx.finish(questions, skip_unsupported=skip_unsupported)


def _question(
    ctx: ParseContext,
    stem: list[str],
    stem_line: int,
    options: list[tuple[str, str, int]],
    answer: str,
    line: int,
) -> ParsedQuestion | None:
    if not stem:
        ctx.problem("an 'ANSWER:' line without a question", line=line, text=answer)
        return None
    letters = [letter for letter, _, _ in options]
    expected = [chr(ord("A") + i) for i in range(len(options))]
    if letters != expected:
        ctx.problem(
            f"options must be lettered {', '.join(expected) or 'A, B, ...'} in order, "
            f"not {', '.join(letters) or 'none'}",
            line=options[0][2] if options else line,
        )
        return None
    if answer[:1].upper() not in letters or len(answer) != 1:
        ctx.problem(
            f"ANSWER must be one of the option letters {', '.join(letters) or '(none)'}",
            line=line,
            column=1,
            text=answer,
        )
        return None
    prompt = "\n".join(plain_to_markdown(s) for s in stem)
    texts = [plain_to_markdown(ctx.text(t, line=ln, what="an option")) for _, t, ln in options]
    right = letters.index(answer.upper())
    external_id = ctx.external_id("", fallback=prompt, prefix="aiken", line=stem_line)
    topics = (ctx.default_topic(),)
    if [t.casefold() for t in texts] == ["true", "false"]:
        return ParsedQuestion(
            external_id,
            "true_false",
            prompt,
            "",
            {"correct": right == 0},
            topics=topics,
            line=stem_line,
        )
    if len(options) < 3:
        ctx.skip(
            "multiple choice",
            " ".join(stem),
            line=stem_line,
            reason=f"{len(options)} options; kmodquiz needs at least 3",
        )
        return None
    spec = {
        "options": [{"id": option_id(i), "text": t} for i, t in enumerate(texts)],
        "correct": option_id(right),
    }
    return ParsedQuestion(
        external_id, "single_choice", prompt, "", spec, topics=topics, line=stem_line
    )
