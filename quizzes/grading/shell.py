"""Grade a typed command line by what it does (docs/formats.md, `shell_command`).

A line is split into pipelines of stages as a shell would (shellwords.py); each stage's
command is found past `sudo` (commands.py) and, for the tools of the option table, turned into
what it does (meaning.py). Two lines are the same answer when every stage does the same thing
with the same redirections, joined the same way. When they differ, the feedback names the
difference: a different tool, another module, a missing module, an unexpected dry run or force
option, another value, and the learner's word it is in, counted as typed (`sudo` included).
"""

from __future__ import annotations

import difflib
from collections import Counter
from functools import lru_cache
from typing import Any

from quizzes.grading.verdict import CORRECT, InvalidAnswer, Verdict
from quizzes.shell_options import Effect, Given, Word, clip
from quizzes.shell_options.lines import Line, Plain, StageMeaning, line_meaning
from quizzes.shell_options.meaning import Meaning, Operand
from quizzes.shellwords import ShellSyntaxError, split_command_line

_Note = tuple[int, str]


def grade_shell_command(spec: dict[str, Any], answer: Any, deletion: str | None) -> Verdict:
    """Grade one typed command line against the question's accepted command lines."""
    if not isinstance(answer, str):
        raise InvalidAnswer("answer must be a string (one command line)")
    accepted: list[str] = list(spec["accepted"])
    expected = accepted[0]
    literal_release = bool(spec.get("allow_literal_release", True))
    strict = bool(spec.get("strict_options", False))
    try:
        given = line_meaning(split_command_line(answer), literal_release, strict)
    except ShellSyntaxError as exc:
        return Verdict(False, 0.0, f"Cannot read that command line: {exc}.", expected)
    best: list[_Note] | None = None
    for line in accepted:
        want = accepted_meaning(line, literal_release, strict)
        if want is None:
            continue  # a broken accepted answer accepts nothing (bank validation reports it)
        notes = line_notes(want, given)
        if not notes:
            return Verdict(True, 1.0, CORRECT, expected)
        if best is None or sum(w for w, _ in notes) < sum(w for w, _ in best):
            best = notes
    hint = "; ".join(note for _, note in (best or [])[:3]) or "that is not the expected command"
    return Verdict(False, 0.0, f"Not quite: {hint}.", expected)


@lru_cache(maxsize=4096)
def accepted_meaning(line: str, literal_release: bool, strict: bool) -> Line | None:
    """What an accepted answer does (cached: the bank's answers are graded against often)."""
    try:
        return line_meaning(split_command_line(line), literal_release, strict)
    except ShellSyntaxError:
        return None


# --- comparing ---------------------------------------------------------------------------------


def line_notes(want: Line, got: Line) -> list[_Note]:
    """Weighted differences between two command lines; none means they are the same answer."""
    if len(want) != len(got):
        return [(20, f"expected {len(want)} command(s) in sequence, got {len(got)}")]
    notes: list[_Note] = []
    for (want_stages, want_end), (got_stages, got_end) in zip(want, got, strict=True):
        if len(want_stages) != len(got_stages):
            count = f"{len(want_stages)} command(s), got {len(got_stages)}"
            return [(20, f"expected a pipeline of {count}")]
        if want_end != got_end:
            ends = f"expected {want_end or 'nothing'} after a command, got {got_end or 'nothing'}"
            notes.append((5, ends))
        for want_stage, got_stage in zip(want_stages, got_stages, strict=True):
            notes += _stage_notes(want_stage, got_stage)
    return notes


def _at(number: int) -> str:
    return f"word {number}: " if number else ""


def _stage_notes(want: StageMeaning, got: StageMeaning) -> list[_Note]:
    want_tool, got_tool = want.command.tool, got.command.tool
    if want_tool != got_tool:
        return [
            (
                10,
                f"{_at(got.number)}a different tool: expected {clip(want_tool)}, "
                f"got {clip(got_tool) or '(nothing)'}",
            )
        ]
    notes: list[_Note] = []
    for g in sorted(set(got.sudo) - set(want.sudo), key=lambda g: g.number):
        reason = f" ({g.option.reason})" if g.option is not None else ""
        notes.append((1, f"{_at(g.number)}unexpected sudo option {g.spelled}{reason}"))
    for g in sorted(set(want.sudo) - set(got.sudo), key=lambda g: g.name):
        notes.append((1, f"missing sudo option {g.spelled}"))
    if set(want.env) != set(got.env):
        notes.append((1, "other environment variables for the command"))
    if isinstance(want.command, Meaning) and isinstance(got.command, Meaning):
        notes += _meaning_notes(want.command, got.command)
    elif isinstance(want.command, Plain) and isinstance(got.command, Plain):
        notes += _word_notes(want.command.words, got.command.words)
    if want.redirects != got.redirects:
        if not got.redirects:
            notes.append((1, "missing redirection " + " ".join(want.redirects[0])))
        elif not want.redirects:
            notes.append((1, "unexpected redirection " + " ".join(got.redirects[0])))
        else:
            notes.append((1, "another redirection"))
    if not notes and want != got:  # a difference no note above names: never call it right
        notes.append((1, f"{_at(got.number)}{clip(got_tool)} does something else here"))
    return notes


def _kind(given: Given) -> str:
    effect = given.option.effect if given.option is not None else Effect.ACTS
    return {Effect.DRY_RUN: "dry run", Effect.FORCE: "force option"}.get(effect, "option")


def _meaning_notes(want: Meaning, got: Meaning) -> list[_Note]:
    notes: list[_Note] = [
        (1, f"{_at(w.number)}unknown option {clip(w.text)} for {got.tool}") for w in got.unknown
    ]
    notes += [(1, problem) for problem in got.problems]
    notes += _option_notes(want, got)
    notes += _operand_notes(want.operands, got.operands)
    notes += _keyed_notes(want.keyed, got.keyed)
    return notes


def _option_notes(want: Meaning, got: Meaning) -> list[_Note]:
    wanted: dict[str, list[Given]] = {}
    given: dict[str, list[Given]] = {}
    for g in want.options:
        wanted.setdefault(g.name, []).append(g)
    for g in got.options:
        given.setdefault(g.name, []).append(g)
    set_aside = {(g.name, g.value): g for g in got.ignored}
    notes: list[_Note] = []
    for name in sorted(wanted.keys() - given.keys()):
        first = wanted[name][0]
        if (name, first.value) in set_aside:
            continue  # the learner gave it; it only counts here because of another difference
        aside = next((g for (n, _), g in set_aside.items() if n == name), None)
        if aside is not None and first.option is not None:
            notes.append(
                (
                    1,
                    f"{_at(aside.number)}another {first.option.noun} for {aside.spelled}: "
                    f"expected {clip(first.value or '(none)')}, "
                    f"got {clip(aside.value or '(none)')}",
                )
            )
            continue
        notes.append((1, f"missing {_kind(first)} {first.spelled or name}"))
    for name in sorted(given.keys() - wanted.keys(), key=lambda n: given[n][0].number):
        first = given[name][0]
        if first.option is not None and first.option.effect is Effect.DRY_RUN:
            notes.append((1, f"{_at(first.number)}{first.spelled} makes it a dry run"))
        else:
            notes.append((1, f"{_at(first.number)}unexpected {_kind(first)} {first.spelled}"))
    for name in sorted(wanted.keys() & given.keys()):
        want_values = {g.value for g in wanted[name]}
        got_values = {g.value for g in given[name]}
        first = given[name][0]
        if want_values == got_values or f"option {first.spelled} needs a value" in got.problems:
            continue
        noun = first.option.noun if first.option is not None else "value"
        expected = ", ".join(sorted(v or "(none)" for v in want_values))
        actual = ", ".join(sorted(v or "(none)" for v in got_values))
        notes.append(
            (
                1,
                f"{_at(first.number)}another {noun} for {first.spelled}: expected "
                f"{clip(expected)}, got {clip(actual)}",
            )
        )
    return notes


def _shown(operand: Operand) -> str:
    return clip(operand.shown or operand.value)


def _operand_notes(want: tuple[Operand, ...], got: tuple[Operand, ...]) -> list[_Note]:
    if want == got:
        return []
    if Counter(want) == Counter(got):
        return [(1, "arguments in the wrong order")]
    notes: list[_Note] = []
    matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = list(zip(want[i1:i2], got[j1:j2], strict=False))
        for w, g in pairs:
            what = f"another {w.role}" if w.role == g.role else f"a {g.role} instead of a {w.role}"
            notes.append((1, f"{_at(g.number)}{what}: expected {_shown(w)}, got {_shown(g)}"))
        for w in want[i1 + len(pairs) : i2]:
            notes.append((1, f"missing {w.role} {_shown(w)}"))
        for g in got[j1 + len(pairs) : j2]:
            notes.append((1, f"{_at(g.number)}unexpected {g.role} {_shown(g)}"))
    return notes


def _keyed_notes(want: tuple[Operand, ...], got: tuple[Operand, ...]) -> list[_Note]:
    wanted = {(o.role, o.key): o for o in want}
    given = {(o.role, o.key): o for o in got}
    notes: list[_Note] = []
    for key in sorted(wanted.keys() - given.keys()):
        notes.append((1, f"missing {key[0]} {_shown(wanted[key])}"))
    for key in sorted(given.keys() - wanted.keys(), key=lambda k: given[k].number):
        notes.append((1, f"{_at(given[key].number)}unexpected {key[0]} {_shown(given[key])}"))
    for key in sorted(wanted.keys() & given.keys()):
        w, g = wanted[key], given[key]
        if w.value != g.value:
            notes.append(
                (
                    1,
                    f"{_at(g.number)}another value for {key[0]} {key[1]}: expected "
                    f"{_shown(w)}, got {_shown(g)}",
                )
            )
    return notes


def _word_notes(want: tuple[Word, ...], got: tuple[Word, ...]) -> list[_Note]:
    """Differences between the arguments of a command outside the table, word by word."""
    want_text = [w.text for w in want]
    got_text = [w.text for w in got]
    if want_text == got_text:
        return []
    notes: list[_Note] = []
    matcher = difflib.SequenceMatcher(None, want_text, got_text, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = list(zip(want[i1:i2], got[j1:j2], strict=False))
        for w, g in pairs:
            notes.append(
                (1, f"word {g.number} differs: expected {clip(w.text)!r}, got {clip(g.text)!r}")
            )
        for w in want[i1 + len(pairs) : i2]:
            notes.append((1, f"missing argument {clip(w.text)!r}"))
        for g in got[j1 + len(pairs) : j2]:
            notes.append((1, f"{_at(g.number)}unexpected argument {clip(g.text)!r}"))
    return notes
