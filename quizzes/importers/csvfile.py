"""CSV, one question per row, as a spreadsheet writes it (docs/formats.md#csv).

UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8" writes one); the delimiter is ',',
';' (spreadsheets in many locales) or a tab, told from the header row. Lists are numbered columns
(`option_1`, `option_2`, ...), so that each piece of text sits in its own cell.
"""

from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from typing import Any

from quizzes.importers.base import ParsedBank, ParsedQuestion, ParseLimits
from quizzes.importers.common import ParseContext, decode_text, kinds, normalise_tag
from quizzes.importers.gift_answers import option_id, parse_decimal

COMMON_COLUMNS = (
    "id", "kind", "topics", "difficulty", "source", "since", "tags", "prompt", "explanation",
)  # fmt: skip
SINGLE_COLUMNS = ("back", "correct", "text", "alternatives", "case_sensitive", "shuffle",
                  "allow_literal_release", "tolerance")  # fmt: skip
NUMBERED = ("option", "accepted", "item", "left", "right", "distractor")
_NUMBERED_RE = re.compile(r"^(option|accepted|item|left|right|distractor)_(\d{1,3})$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TRUE = {"true", "yes", "1", "y", "x", "wahr", "vrai"}
_FALSE = {"false", "no", "0", "n", "", "falsch", "faux"}


def _kind(value: str) -> str:
    return re.sub(r"[\s/-]+", "_", value.strip().lower())


class _Row:
    def __init__(self, ctx: ParseContext, header: list[str], cells: list[str], line: int) -> None:
        self.ctx, self.header, self.line = ctx, header, line
        self.values: dict[str, str] = {}
        self.columns: dict[str, int] = {}
        for index, name in enumerate(header):
            if not name:
                continue
            cell = cells[index] if index < len(cells) else ""
            if cell[:1] == "'" and cell[1:2] in FORMULA_START:  # written so by our exporter
                cell = cell[1:]
            self.columns[name] = index + 1
            if cell:
                what = f"column {name!r}"
                self.values[name] = ctx.text(cell, line=line, column=index + 1, what=what)

    def get(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def raw(self, name: str) -> str:
        return self.values.get(name, "")

    def problem(self, name: str, message: str) -> None:
        self.ctx.problem(
            message,
            line=self.line,
            column=self.columns.get(name),
            path=f"column {name!r}",
            text=self.get(name),
        )

    def numbered(self, prefix: str) -> list[str]:
        names = _numbered_columns(tuple(self.header)).get(prefix, [])
        return [value for value in (self.get(name) for name in names) if value]

    def flag(self, name: str) -> bool | None:
        value = self.get(name).lower()
        if value in _TRUE:
            return True
        if value not in _FALSE:
            self.problem(name, "expected true or false")
        return False if name in self.values and value else None


@lru_cache(maxsize=8)
def _numbered_columns(header: tuple[str, ...]) -> dict[str, list[str]]:
    """prefix -> its numbered columns in number order (`option_1`, `option_2`, ...)."""
    found: dict[str, list[tuple[int, str]]] = {}
    for name in header:
        if match := _NUMBERED_RE.match(name):
            found.setdefault(match.group(1), []).append((int(match.group(2)), name))
    return {prefix: [name for _, name in sorted(items)] for prefix, items in found.items()}


def _delimiter(first_line: str) -> str:
    known = set(COMMON_COLUMNS + SINGLE_COLUMNS)

    def score(delimiter: str) -> int:
        names = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(
            1 for n in names if n.strip().lower() in known or _NUMBERED_RE.match(n.strip().lower())
        )

    return max([",", ";", "\t"], key=score)


def read(data: bytes, *, filename: str, skip_unsupported: bool, limits: ParseLimits) -> ParsedBank:
    """Parse a CSV file; ParseError lists every problem (line and column of each)."""
    ctx = ParseContext(limits=limits, filename=filename)
    text = decode_text(data, ctx)
    if text is None:
        return ctx.finish([], skip_unsupported=skip_unsupported)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]))
    questions: list[ParsedQuestion] = []
    header: list[str] | None = None
    last = 0
    try:
        for cells in reader:
            line, last = last + 1, reader.line_num
            if header is None:
                header = [c.strip().lower() for c in cells]
                if not _header_ok(ctx, header):
                    break
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(questions) > limits.max_questions:
                break
            question = _question(_Row(ctx, header, cells, line))
            if question is not None:
                questions.append(question)
    except csv.Error as exc:
        ctx.problem(f"the CSV cannot be read: {exc}", line=last + 1)
    return ctx.finish(questions, skip_unsupported=skip_unsupported)


def _header_ok(ctx: ParseContext, header: list[str]) -> bool:
    ok = True
    for column, name in enumerate(header, start=1):
        if name and name not in COMMON_COLUMNS + SINGLE_COLUMNS and not _NUMBERED_RE.match(name):
            ctx.problem("unknown column", line=1, column=column, text=name)
            ok = False
    duplicates = sorted({n for n in header if n and header.count(n) > 1})
    for name in duplicates:
        ctx.problem("a column appears twice", line=1, column=header.index(name) + 1, text=name)
        ok = False
    if "kind" not in header:
        ctx.problem("the header row has no 'kind' column (see docs/formats.md#csv)", line=1)
        ok = False
    return ok


def _question(row: _Row) -> ParsedQuestion | None:
    ctx = row.ctx
    kind = _kind(row.get("kind"))
    if kind not in kinds():
        row.problem("kind", f"unknown kind; one of {', '.join(kinds())}")
        return None
    difficulty = 2
    if row.get("difficulty"):
        value = parse_decimal(row.get("difficulty"))
        if value is None or value not in (1, 2, 3):
            row.problem("difficulty", "difficulty is 1, 2 or 3")
        else:
            difficulty = int(value)
    spec = _spec(row, kind)
    if spec is None:
        return None
    topics = []
    for path in re.split(r"[;\n]", row.get("topics")):
        titles = [t.strip() for t in path.split("/") if t.strip()]
        if titles:
            topics.append(ctx.topic_path(titles, line=row.line))
    tags = [normalise_tag(t) for t in re.split(r"[;,\s]+", row.get("tags")) if t]
    prompt = row.raw("prompt").strip()
    if not prompt and kind != "cloze":
        row.problem("prompt", "the prompt is empty")
    return ParsedQuestion(
        external_id=ctx.external_id(
            row.get("id"), fallback=prompt or str(spec), prefix="csv", line=row.line
        ),
        kind=kind,
        prompt=prompt,
        explanation=row.raw("explanation").strip(),
        spec=spec,
        difficulty=difficulty,
        source=row.get("source"),
        since=row.get("since"),
        tags=tuple(dict.fromkeys(t for t in tags if t)),
        topics=tuple(dict.fromkeys(topics)) or (ctx.default_topic(),),
        line=row.line,
    )


def _numbers(row: _Row, name: str, count: int) -> list[int] | None:
    picks = [p for p in re.split(r"[;,\s]+", row.get(name).lower()) if p]
    found = []
    for pick in picks:
        if pick.isdigit() and 1 <= int(pick) <= count:
            found.append(int(pick) - 1)
        elif len(pick) == 1 and pick.isalpha() and ord(pick) - ord("a") < count:
            found.append(ord(pick) - ord("a"))
        else:
            row.problem(name, f"'correct' names options by number (1 to {count}) or letter")
            return None
    return list(dict.fromkeys(found))


def _spec(row: _Row, kind: str) -> dict[str, Any] | None:
    spec: dict[str, Any] = {}
    if kind == "flashcard":
        spec["back"] = row.raw("back").strip()
    elif kind in ("single_choice", "multiple_choice"):
        options = row.numbered("option")
        spec["options"] = [{"id": option_id(i), "text": t} for i, t in enumerate(options)]
        picks = _numbers(row, "correct", len(options))
        if picks is None:
            return None
        if kind == "single_choice":
            if len(picks) != 1:
                row.problem("correct", "a single-choice question has exactly one correct option")
                return None
            spec["correct"] = option_id(picks[0])
        else:
            spec["correct"] = [option_id(p) for p in sorted(picks)]
        if (shuffle := row.flag("shuffle")) is not None:
            spec["shuffle"] = shuffle
    elif kind == "true_false":
        value = row.flag("correct")
        if value is None:
            row.problem("correct", "a true/false question needs 'correct' (true or false)")
            return None
        spec["correct"] = value
    elif kind in ("short_answer", "shell_command"):
        spec["accepted"] = row.numbered("accepted")
        if kind == "short_answer" and (case := row.flag("case_sensitive")) is not None:
            spec["case_sensitive"] = case
        if kind == "short_answer" and row.get("tolerance"):
            tolerance = parse_decimal(row.get("tolerance"))
            if tolerance is None or tolerance < 0:
                row.problem("tolerance", "the tolerance is a number, 0 or more")
                return None
            integral = tolerance == tolerance.to_integral_value()
            spec["tolerance"] = int(tolerance) if integral else float(tolerance)
        if kind == "shell_command" and (release := row.flag("allow_literal_release")) is not None:
            spec["allow_literal_release"] = release
    elif kind == "cloze":
        spec["text"] = row.raw("text").strip()
        alternatives: dict[str, list[str]] = {}
        for entry in row.raw("alternatives").split("\n"):
            if not entry.strip():
                continue
            key, sep, value = entry.partition(":")
            if not sep or not re.fullmatch(r"c\d+", key.strip()):
                row.problem("alternatives", "write one 'c1: another answer' per line")
                return None
            alternatives.setdefault(key.strip(), []).append(value.strip())
        if alternatives:
            spec["alternatives"] = alternatives
    elif kind == "ordering":
        items = row.numbered("item")
        spec["items"] = [{"id": option_id(i), "text": t} for i, t in enumerate(items)]
        spec["correct_order"] = [option_id(i) for i in range(len(items))]
    elif kind == "matching":
        spec.update(_matching(row))
    return spec


def _matching(row: _Row) -> dict[str, Any]:
    lefts, rights = [], []
    for name in row.header:
        match = _NUMBERED_RE.match(name)
        if match and match.group(1) == "left" and row.get(name):
            partner = f"right_{match.group(2)}"
            lefts.append(row.get(name))
            rights.append(row.get(partner))
            if not row.get(partner):
                row.problem(name, f"{name} has no {partner}")
    right: list[dict[str, str]] = []
    pairs: dict[str, str] = {}
    left = []
    for index, (text, target) in enumerate(zip(lefts, rights, strict=True), start=1):
        rid = next((r["id"] for r in right if r["text"] == target), None)
        if rid is None:
            rid = f"r{len(right) + 1}"
            right.append({"id": rid, "text": target})
        left.append({"id": f"l{index}", "text": text})
        pairs[f"l{index}"] = rid
    for text in row.numbered("distractor"):
        if all(r["text"] != text for r in right):
            right.append({"id": f"r{len(right) + 1}", "text": text})
    return {"left": left, "right": right, "pairs": pairs}
