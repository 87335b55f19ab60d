"""Checks of a question's answer spec that a JSON Schema cannot express (shared by importers)."""

from __future__ import annotations

from typing import Any

from quizzes.grading import parse_cloze, parse_number
from quizzes.shell_options import unknown_options
from quizzes.shellwords import ShellSyntaxError, split_command_line


def spec_problems(kind: str, spec: dict[str, Any]) -> list[tuple[str, str]]:
    """(field path inside spec, message) for every inconsistency in one question's spec."""
    problems: list[tuple[str, str]] = []

    def ids(items: list[dict[str, Any]], name: str) -> list[str]:
        found = [str(item.get("id")) for item in items]
        duplicates = sorted({i for i in found if found.count(i) > 1})
        if duplicates:
            problems.append((name, f"duplicate ids {', '.join(duplicates)}"))
        return found

    if kind in ("single_choice", "multiple_choice"):
        options = ids(spec.get("options", []), "options")
        if len(options) < 3:
            problems.append(("options", "a choice question needs at least 3 options"))
        correct = spec.get("correct")
        chosen = [correct] if kind == "single_choice" else list(correct or [])
        missing = [c for c in chosen if c not in options]
        if missing:
            problems.append(("correct", f"{', '.join(map(str, missing))} is not an option id"))
    elif kind == "ordering":
        items = ids(spec.get("items", []), "items")
        if sorted(items) != sorted(spec.get("correct_order", [])):
            problems.append(("correct_order", "must list every item id exactly once"))
    elif kind == "matching":
        left = ids(spec.get("left", []), "left")
        right = ids(spec.get("right", []), "right")
        pairs = spec.get("pairs", {})
        if sorted(pairs) != sorted(left):
            problems.append(("pairs", "must give a right id for every left id"))
        bad = [r for r in pairs.values() if r not in right]
        if bad:
            problems.append(("pairs", f"{', '.join(map(str, bad))} is not a right id"))
    elif kind == "cloze":
        deletions = parse_cloze(spec.get("text", ""))
        if not deletions:
            problems.append(("text", "a cloze needs at least one {{c1::...}} deletion"))
        keys = {d.key for d in deletions}
        extra = sorted(set(spec.get("alternatives", {})) - keys)
        if extra:
            problems.append(("alternatives", f"{', '.join(extra)} is not a deletion in the text"))
    elif kind in ("short_answer", "shell_command") and not any(
        str(a).strip() for a in spec.get("accepted", [])
    ):
        problems.append(("accepted", "needs at least one non-empty accepted answer"))
    elif kind == "short_answer" and "tolerance" in spec:
        bad = [a for a in spec.get("accepted", []) if parse_number(str(a)) is None]
        if bad:
            problems.append(
                ("accepted", f"with a tolerance every answer is a number, not {bad[0]!r}")
            )
    elif kind == "shell_command":
        problems += _command_problems(spec.get("accepted", []))
    return problems


def _command_problems(accepted: list[Any]) -> list[tuple[str, str]]:
    # An accepted answer must be a real invocation: readable, and only options its tools have.
    problems: list[tuple[str, str]] = []
    for index, line in enumerate(accepted):
        where = f"accepted[{index}]"
        try:
            split_command_line(str(line))
        except ShellSyntaxError as exc:
            problems.append((where, f"cannot be read as a command line: {exc}"))
            continue
        if unknown := unknown_options(str(line)):
            problems.append((where, f"uses options its tool does not have: {', '.join(unknown)}"))
    return problems
