"""Export to Aiken (docs/formats.md#aiken): single-choice and true/false questions only.

Aiken is plain text with one line per option: a question that cannot be written so (another
kind, more than 26 options, an option over several lines, a prompt line that would read as an
option or as the answer line) is left out, and everything but the prompt, the options and the
right answer is not kept. All of it is listed in `skipped`.
"""

from __future__ import annotations

import re

from quizzes.exporters.base import ExportResult, SkipLog
from quizzes.importers.base import ParsedBank, ParsedQuestion
from quizzes.importers.text import is_plain_safe

CONTENT_TYPE = "text/plain; charset=utf-8"
_AMBIGUOUS_LINE = re.compile(r"^\s*([A-Z][.)][ \t]|ANSWER\s*:)", re.IGNORECASE)


def _block(q: ParsedQuestion, log: SkipLog) -> list[str] | None:
    if q.kind == "true_false":
        options = ["True", "False"]
        right = 0 if q.spec["correct"] else 1
    elif q.kind == "single_choice":
        options = [o["text"] for o in q.spec["options"]]
        right = [o["id"] for o in q.spec["options"]].index(q.spec["correct"])
    else:
        log.add(
            q.external_id,
            f"{q.kind.replace('_', ' ')} questions (Aiken has single choice only)",
            left_out=True,
        )
        return None
    prompt_lines = [line for line in q.prompt.split("\n") if line.strip()]
    if (
        len(options) > 26
        or not prompt_lines
        or any("\n" in o or not o.strip() for o in options)
        or any(_AMBIGUOUS_LINE.match(line) for line in prompt_lines)
    ):
        log.add(q.external_id, "a question Aiken's one-line options cannot hold", left_out=True)
        return None
    if not all(is_plain_safe(t) for t in [q.prompt, *options]):
        log.add(q.external_id, "Markdown formatting (Aiken is plain text: it shows as typed)")
    if q.explanation:
        log.add(q.external_id, "the explanation (Aiken has no feedback)")
    if q.spec.get("shuffle") is False:
        log.add(q.external_id, "'do not shuffle'")
    letters = [chr(ord("A") + i) for i in range(len(options))]
    return [
        *prompt_lines,
        *(f"{letter}) {text.strip()}" for letter, text in zip(letters, options, strict=True)),
        f"ANSWER: {letters[right]}",
        "",
    ]


def export(parsed: ParsedBank) -> ExportResult:
    """The bank's single-choice and true/false questions as an Aiken file (UTF-8)."""
    log = SkipLog()
    lines: list[str] = []
    for q in parsed.questions:
        block = _block(q, log)
        if block is not None:
            lines += block
            if q.source or q.tags or q.difficulty != 2 or q.topics:
                log.add(q.external_id, "id, topics, difficulty, source and tags (Aiken has none)")
    return ExportResult(
        "\n".join(lines).encode(), f"{parsed.slug}.aiken.txt", CONTENT_TYPE, log.entries()
    )
