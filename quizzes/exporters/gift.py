"""Export to GIFT (docs/formats.md#gift): what Moodle can read back, and so can we.

Every question is `::id::[markdown]prompt{...}` under a `$CATEGORY:` of its primary topic's
titles, with its explanation as general feedback (`####`). Cloze and ordering questions have no
GIFT form and are left out; shell commands become short answers; difficulty, source, tags and
further topics are not kept (all listed in `skipped`).
"""

from __future__ import annotations

import re
from decimal import Decimal

from quizzes.exporters.base import ExportResult, SkipLog
from quizzes.importers.base import ParsedBank, ParsedQuestion, ParsedTopic
from quizzes.importers.gift_answers import NO_MODEL_ANSWER

CONTENT_TYPE = "text/plain; charset=utf-8"
_SPECIAL = re.compile(r"([\\~=#{}:])")


def escape(text: str) -> str:
    """GIFT's control characters escaped; a new line written as `\\n` (blank lines end a
    question in GIFT)."""
    return _SPECIAL.sub(r"\\\1", text).replace("\n", "\\n")


def topic_titles(topics: list[ParsedTopic], slug: str) -> list[str]:
    by_slug = {t.slug: t for t in topics}
    titles: list[str] = []
    while slug in by_slug and len(titles) < 50:
        titles.insert(0, by_slug[slug].title)
        slug = by_slug[slug].parent or ""
    return titles


def category_line(titles: list[str]) -> str:
    # Moodle writes a '/' inside a category name as '//'.
    path = "/".join(t.replace("/", "//") for t in titles)
    return f"$CATEGORY: $course$/top/{escape(path)}"


def weight(value: Decimal) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return f"%{text}%"


def common_losses(q: ParsedQuestion, log: SkipLog, fmt: str, *, tags_kept: bool = False) -> None:
    if q.source:
        log.add(q.external_id, f"source ({fmt} has no place for it)")
    if q.tags and not tags_kept:
        log.add(q.external_id, f"tags ({fmt} has no place for them)")
    if q.difficulty != 2:
        log.add(q.external_id, f"difficulty ({fmt} has no place for it)")
    if len(q.topics) > 1:
        log.add(q.external_id, "topics after the first (a question has one category)")


def _answers(q: ParsedQuestion, log: SkipLog) -> str | None:
    spec = q.spec
    if q.kind == "flashcard":
        back = spec["back"]
        if q.explanation:
            log.add(q.external_id, "the explanation of a flashcard (its back is the feedback)")
        return "" if back == NO_MODEL_ANSWER else f"####{escape(back)}"
    if q.kind in ("single_choice", "multiple_choice"):
        if spec.get("shuffle") is False:
            log.add(q.external_id, "'do not shuffle' (Moodle's quiz decides)")
        options = spec["options"]
        if q.kind == "single_choice":
            parts = [
                ("=" if o["id"] == spec["correct"] else "~")
                + ("%0%" if o["text"].startswith("%") and o["id"] != spec["correct"] else "")
                + escape(o["text"])
                for o in options
            ]
        else:
            right = set(spec["correct"])
            share = Decimal(100) / len(right)
            parts = [
                "~" + weight(share if o["id"] in right else -share) + escape(o["text"])
                for o in options
            ]
        return " ".join(parts)
    if q.kind == "true_false":
        return "TRUE" if spec["correct"] else "FALSE"
    if q.kind in ("short_answer", "shell_command"):
        if q.kind == "shell_command":
            log.add(q.external_id, "shell command grading (exported as a short answer)")
        if spec.get("case_sensitive"):
            log.add(q.external_id, "case-sensitive grading")
        if "tolerance" in spec:
            tolerance = spec["tolerance"]
            return "#" + " ".join(f"={escape(a)}:{tolerance}" for a in spec["accepted"])
        if any("->" in a for a in spec["accepted"]):
            log.add(
                q.external_id,
                "an answer containing '->' (GIFT reads it as matching)",
                left_out=True,
            )
            return None
        return " ".join(f"={escape(a)}" for a in spec["accepted"])
    if q.kind == "matching":
        right = {r["id"]: r["text"] for r in spec["right"]}
        if any("->" in item["text"] for item in spec["left"] + spec["right"]):
            log.add(q.external_id, "a pair containing '->' (GIFT's pair separator)", left_out=True)
            return None
        used = set(spec["pairs"].values())
        parts = [
            f"={escape(item['text'])} -> {escape(right[spec['pairs'][item['id']]])}"
            for item in spec["left"]
        ]
        parts += [f"= -> {escape(r['text'])}" for r in spec["right"] if r["id"] not in used]
        return " ".join(parts)
    log.add(
        q.external_id,
        f"{q.kind.replace('_', ' ')} questions (GIFT has no such kind)",
        left_out=True,
    )
    return None


def export(parsed: ParsedBank) -> ExportResult:
    """The bank as a GIFT file (UTF-8)."""
    log = SkipLog()
    lines = [f"// {parsed.title}: exported from kmodquiz", ""]
    category: list[str] | None = None
    for q in parsed.questions:
        answers = _answers(q, log)
        if answers is None:
            continue
        common_losses(q, log, "GIFT")
        titles = topic_titles(parsed.topics, q.topics[0]) if q.topics else []
        if titles != category and titles:
            lines += [category_line(titles), ""]
            category = titles
        feedback = f"####{escape(q.explanation)}" if q.explanation and q.kind != "flashcard" else ""
        lines.append(f"// {q.kind}")
        lines.append(
            f"::{escape(q.external_id)}::[markdown]{escape(q.prompt)}{{{answers}{feedback}}}"
        )
        lines.append("")
    content = "\n".join(lines).encode()
    return ExportResult(content, f"{parsed.slug}.gift.txt", CONTENT_TYPE, log.entries())
