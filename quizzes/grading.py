"""Grade an answer payload against a question's answer spec (see docs/formats.md).

Pure functions over plain data: `grade(kind, spec, answer)` returns a Verdict, and raises only
InvalidAnswer, for a payload of the wrong shape (the API turns it into HTTP 400).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from quizzes.shell_options import (
    Invocation,
    clip,
    describe_differences,
    parse_invocation,
    strip_sudo,
    tool_for,
)
from quizzes.shell_options import unknown_options as unknown_options  # part of this API
from quizzes.shellwords import (
    Pipeline,
    ShellSyntaxError,
    Stage,
    literal_release_to_substitution,
    split_command_line,
)


class InvalidAnswer(ValueError):
    """The answer payload has the wrong shape for the question kind."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of grading one answer."""

    correct: bool | None  # None for flashcards, which the learner grades
    score: float
    feedback: str
    expected: Any


@dataclass(frozen=True)
class ClozeDeletion:
    """One `{{cN::answer::hint}}` of a cloze text; start/end are its offsets in the text."""

    key: str
    answer: str
    hint: str | None
    start: int
    end: int


CORRECT = "Correct."
FLASHCARD_FEEDBACK = "Compare with the answer, then rate how well you remembered it."

_CODE_SPAN_RE = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_CLOZE_RE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


def grade(kind: str, spec: dict[str, Any], answer: Any, *, deletion: str | None = None) -> Verdict:
    """Grade `answer` for a question of `kind`; for a cloze card, only its `deletion`."""
    grader = _GRADERS.get(kind)
    if grader is None:
        raise InvalidAnswer(f"unknown question kind {kind!r}")
    return _guarded(grader, spec, answer, deletion)


def expected_answer(kind: str, spec: dict[str, Any], *, deletion: str | None = None) -> Any:
    """The correct answer of a question, in the shape of its answer payload."""
    return _guarded(_expected, kind, spec, deletion)


def _guarded(function: Callable[..., Any], *args: Any) -> Any:
    try:
        return function(*args)
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        # A spec that escaped the bank's schema validation must not become a bare server error:
        # say so, in the only exception these functions raise.
        raise InvalidAnswer(f"the question's answer spec is malformed ({exc!r})") from exc


def _expected(kind: str, spec: dict[str, Any], deletion: str | None) -> Any:
    if kind == "flashcard":
        return spec.get("back", "")
    if kind in ("single_choice", "multiple_choice", "true_false"):
        return spec["correct"]
    if kind in ("short_answer", "shell_command"):
        return spec["accepted"][0]
    if kind == "cloze":
        return {key: _cloze_answer(spec["text"], key) for key in _cloze_card_keys(spec, deletion)}
    if kind == "ordering":
        return list(spec["correct_order"])
    if kind == "matching":
        return dict(spec["pairs"])
    raise InvalidAnswer(f"unknown question kind {kind!r}")


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _grade_flashcard(spec: dict[str, Any], answer: Any, deletion: str | None) -> Verdict:
    if answer is not None:
        raise InvalidAnswer("a flashcard takes no answer (null): rate it instead")
    return Verdict(None, 0.0, FLASHCARD_FEEDBACK, spec.get("back", ""))


def _grade_single_choice(spec: dict[str, Any], answer: Any, deletion: str | None) -> Verdict:
    options = {o["id"]: o["text"] for o in spec["options"]}
    if not isinstance(answer, str):
        raise InvalidAnswer("answer must be one option id (a string)")
    if answer not in options:
        raise InvalidAnswer(f"answer must be an option id of this question, not {answer!r}")
    right = spec["correct"]
    if answer == right:
        return Verdict(True, 1.0, CORRECT, right)
    return Verdict(False, 0.0, f"Not quite: the right answer is “{options.get(right)}”.", right)


def _grade_multiple_choice(spec: dict[str, Any], answer: Any, deletion: str | None) -> Verdict:
    ids = set(_ids(spec["options"]))
    if not _is_str_list(answer):
        raise InvalidAnswer("answer must be a list of option ids")
    if unknown := sorted(set(answer) - ids):
        raise InvalidAnswer(f"answer must hold option ids of this question, not {unknown}")
    chosen, correct = set(answer), set(spec["correct"])
    expected = list(spec["correct"])
    if chosen == correct:
        return Verdict(True, 1.0, CORRECT, expected)
    right, wrong = len(chosen & correct), len(chosen - correct)
    score = max(0.0, (right - wrong) / len(correct)) if correct else 0.0
    parts = [f"{right} of {len(correct)} correct options chosen"]
    if wrong:
        parts.append(f"{wrong} wrong option{'s' if wrong > 1 else ''} chosen")
    return Verdict(False, score, "Not quite: " + ", ".join(parts) + ".", expected)


def _grade_true_false(spec: dict[str, Any], answer: Any, deletion: str | None) -> Verdict:
    if not isinstance(answer, bool):
        raise InvalidAnswer("answer must be true or false")
    right = spec["correct"]
    if answer == right:
        return Verdict(True, 1.0, CORRECT, right)
    return Verdict(False, 0.0, f"Not quite: the statement is {str(right).lower()}.", right)


def _squash(text: str) -> str:
    return " ".join(text.split())


def parse_number(text: str) -> Decimal | None:
    """A typed number ("1822", "3,1415", "-2e3"), or None when the text is not one."""
    try:
        value = Decimal(text.strip().replace(",", ".", 1) if text.count(",") == 1 else text)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _grade_numeric(spec: dict[str, Any], answer: str) -> Verdict:
    # Numerical questions (GIFT/Moodle): right when within the tolerance of an accepted value.
    expected = spec["accepted"][0]
    given = parse_number(answer)
    if given is None:
        return Verdict(
            False, 0.0, f"Not quite: a number is expected, such as “{expected}”.", expected
        )
    tolerance = Decimal(str(spec["tolerance"]))
    values = [v for v in (parse_number(str(a)) for a in spec["accepted"]) if v is not None]
    if any(abs(given - value) <= tolerance for value in values):
        return Verdict(True, 1.0, CORRECT, expected)
    margin = f" (± {spec['tolerance']})" if tolerance else ""
    return Verdict(False, 0.0, f"Not quite: the answer is {expected}{margin}.", expected)


def _grade_short_answer(spec: dict[str, Any], answer: Any, deletion: str | None) -> Verdict:
    if not isinstance(answer, str):
        raise InvalidAnswer("answer must be a string")
    if "tolerance" in spec:
        return _grade_numeric(spec, answer)
    accepted = [_squash(a) for a in spec["accepted"]]
    folded = {a.casefold() for a in accepted}
    given = _squash(answer)
    case_sensitive = bool(spec.get("case_sensitive", False))
    expected = spec["accepted"][0]
    if given in accepted or (not case_sensitive and given.casefold() in folded):
        return Verdict(True, 1.0, CORRECT, expected)
    if not given:
        return Verdict(False, 0.0, "No answer given.", expected)
    if given.casefold() in folded:
        return Verdict(False, 0.0, "Not quite: check the upper and lower case.", expected)
    return Verdict(False, 0.0, f"Not quite: the answer is “{expected}”.", expected)


# --- cloze -------------------------------------------------------------------------------------


def parse_cloze(text: str) -> list[ClozeDeletion]:
    """The `{{cN::answer}}` / `{{cN::answer::hint}}` deletions of a cloze text, in text order."""
    return [
        ClozeDeletion(f"c{int(m.group(1))}", m.group(2), m.group(3) or None, m.start(), m.end())
        for m in _CLOZE_RE.finditer(text)
    ]


def cloze_keys(text: str) -> list[str]:
    """The distinct deletion keys of a cloze text in order of first appearance (one card each)."""
    return list(dict.fromkeys(d.key for d in parse_cloze(text)))


def render_cloze(text: str, *, hide: str | None, reveal: bool = False) -> str:
    """The cloze text with deletion `hide` (every one when None) blanked or, revealed, answered.

    A hidden deletion reads "[...]" or "[hint]"; every other deletion reads as its answer.
    """
    out: list[str] = []
    last = 0
    for d in parse_cloze(text):
        out.append(text[last : d.start])
        hidden = (hide is None or d.key == hide) and not reveal
        out.append(f"[{d.hint or '...'}]" if hidden else d.answer)
        last = d.end
    out.append(text[last:])
    return "".join(out)


def _cloze_answer(text: str, key: str) -> str:
    # A card hides every deletion with its key; several different answers are asked for at once.
    return ", ".join(dict.fromkeys(d.answer for d in parse_cloze(text) if d.key == key))


def _cloze_card_keys(spec: dict[str, Any], deletion: str | None) -> list[str]:
    keys = cloze_keys(spec["text"])
    if deletion is None:
        return keys
    if deletion not in keys:
        raise InvalidAnswer(f"this cloze has no deletion {deletion!r}")
    return [deletion]


def _cloze_form(text: str) -> str:
    # Answers are Markdown: `modprobe` in the text is right when the learner types modprobe.
    # Only a code span wrapping the whole answer goes: `__init` must not become "init".
    text = text.strip()
    if code := _CODE_SPAN_RE.fullmatch(text):
        text = code.group(2)
    return _squash(text).casefold()


def _grade_cloze(spec: dict[str, Any], answer: Any, deletion: str | None) -> Verdict:
    keys = _cloze_card_keys(spec, deletion)
    if not isinstance(answer, dict) or set(answer) != set(keys):
        raise InvalidAnswer(f"answer must be an object with exactly the keys {keys}")
    if not all(isinstance(v, str) for v in answer.values()):
        raise InvalidAnswer("every value of the answer must be a string")
    alternatives = spec.get("alternatives") or {}
    expected = {key: _cloze_answer(spec["text"], key) for key in keys}
    wrong: list[str] = []
    for key in keys:
        accepted = [expected[key], *alternatives.get(key, [])]
        if _cloze_form(answer[key]) not in {_cloze_form(a) for a in accepted}:
            wrong.append(key)
    score = (len(keys) - len(wrong)) / len(keys) if keys else 1.0
    if not wrong:
        return Verdict(True, 1.0, CORRECT, expected)
    shown = "; ".join(f"{k}: “{expected[k]}”" for k in wrong)
    return Verdict(False, score, f"Not quite: expected {shown}.", expected)


# --- ordering and matching ---------------------------------------------------------------------


def _grade_ordering(spec: dict[str, Any], answer: Any, deletion: str | None) -> Verdict:
    order = list(spec["correct_order"])
    if not _is_str_list(answer):
        raise InvalidAnswer("answer must be a list of item ids")
    if sorted(answer) != sorted(_ids(spec["items"])):
        raise InvalidAnswer("answer must list every item id of this question exactly once")
    in_place = sum(1 for given, right in zip(answer, order, strict=False) if given == right)
    if answer == order:
        return Verdict(True, 1.0, CORRECT, order)
    feedback = f"Not quite: {in_place} of {len(order)} items are in the right place."
    return Verdict(False, in_place / len(order), feedback, order)


def _grade_matching(spec: dict[str, Any], answer: Any, deletion: str | None) -> Verdict:
    pairs: dict[str, str] = dict(spec["pairs"])
    left, right = set(_ids(spec["left"])), set(_ids(spec["right"]))
    if not isinstance(answer, dict):
        raise InvalidAnswer("answer must be an object mapping left item ids to right item ids")
    if unknown := sorted(set(answer) - left, key=str):
        raise InvalidAnswer(f"answer must use left item ids of this question, not {unknown}")
    # An unanswered pair (absent or null) is allowed: it simply counts as wrong.
    if bad := [
        v for v in answer.values() if v is not None and (type(v) is not str or v not in right)
    ]:
        raise InvalidAnswer(f"answer must map to right item ids of this question, not {bad}")
    good = sum(1 for key, value in pairs.items() if answer.get(key) == value)
    if good == len(pairs):
        return Verdict(True, 1.0, CORRECT, pairs)
    feedback = f"Not quite: {good} of {len(pairs)} pairs are right."
    return Verdict(False, good / len(pairs) if pairs else 0.0, feedback, pairs)


# --- shell commands ----------------------------------------------------------------------------

_Line = tuple[Pipeline, ...]


@dataclass(frozen=True)
class _Command:
    """One stage, normalised: a table tool's Invocation or, for other tools, its words."""

    call: Invocation | tuple[str, ...]
    redirects: tuple[tuple[str, str], ...]


def _normalise_stage(stage: Stage, literal_release: bool) -> _Command:
    fix: Callable[[str], str] = literal_release_to_substitution if literal_release else str
    words = tuple(fix(w) for w in strip_sudo(stage.words))
    redirects = tuple((op, fix(target)) for op, target in stage.redirects)
    tool = tool_for(words[0]) if words else None
    if tool is None:
        return _Command(words, redirects)
    return _Command(parse_invocation(tool, words[1:]), redirects)


def _normalise_line(pipelines: _Line, literal_release: bool) -> list[tuple[list[_Command], str]]:
    return [
        ([_normalise_stage(s, literal_release) for s in p.stages], p.terminator) for p in pipelines
    ]


def _command_name(call: Invocation | tuple[str, ...]) -> str:
    if isinstance(call, Invocation):
        return call.tool
    return call[0] if call else "(nothing)"


def _stage_notes(want: _Command, got: _Command) -> list[tuple[int, str]]:
    want_name, got_name = clip(_command_name(want.call)), clip(_command_name(got.call))
    if want_name != got_name:
        return [(10, f"wrong command: expected {want_name}, got {got_name}")]
    notes: list[tuple[int, str]] = []
    if isinstance(want.call, Invocation) and isinstance(got.call, Invocation):
        notes += [(1, note) for note in describe_differences(want.call, got.call)]
    elif isinstance(want.call, tuple) and isinstance(got.call, tuple):
        notes += _word_notes(want.call, got.call)
    if want.redirects != got.redirects:
        if not got.redirects:
            notes.append((1, "missing redirection " + " ".join(want.redirects[0])))
        elif not want.redirects:
            notes.append((1, "unexpected redirection " + " ".join(got.redirects[0])))
        else:
            notes.append((1, "wrong redirection"))
    return notes


def _word_notes(want: tuple[str, ...], got: tuple[str, ...]) -> list[tuple[int, str]]:
    """Differences between two commands outside the table, compared word by word."""
    if want == got:
        return []
    if len(got) < len(want) and got == want[: len(got)]:
        return [(1, f"missing argument after {clip(got[-1])!r}")]
    if len(got) > len(want) and got[: len(want)] == want:
        return [(1, f"unexpected argument {clip(got[len(want)])!r}")]
    index = next(i for i, (w, g) in enumerate(zip(want, got, strict=False)) if w != g)
    expected, given = clip(want[index]), clip(got[index])
    return [(1, f"word {index + 1} differs: expected {expected!r}, got {given!r}")]


def _line_notes(want: _Line, got: _Line, literal_release: bool) -> list[tuple[int, str]]:
    """Weighted differences between two command lines; none means they are equivalent."""
    want_n, got_n = _normalise_line(want, literal_release), _normalise_line(got, literal_release)
    if len(want_n) != len(got_n):
        return [(20, f"expected {len(want_n)} command(s) in sequence, got {len(got_n)}")]
    notes: list[tuple[int, str]] = []
    for (want_stages, want_end), (got_stages, got_end) in zip(want_n, got_n, strict=True):
        if len(want_stages) != len(got_stages):
            count = f"{len(want_stages)} command(s), got {len(got_stages)}"
            return [(20, f"expected a pipeline of {count}")]
        if want_end != got_end:
            ends = f"expected {want_end or 'nothing'} after a command, got {got_end or 'nothing'}"
            notes.append((5, ends))
        for want_stage, got_stage in zip(want_stages, got_stages, strict=True):
            notes += _stage_notes(want_stage, got_stage)
    return notes


def _grade_shell_command(spec: dict[str, Any], answer: Any, deletion: str | None) -> Verdict:
    if not isinstance(answer, str):
        raise InvalidAnswer("answer must be a string (one command line)")
    accepted: list[str] = list(spec["accepted"])
    expected = accepted[0]
    literal_release = bool(spec.get("allow_literal_release", True))
    try:
        given = split_command_line(answer)
    except ShellSyntaxError as exc:
        return Verdict(False, 0.0, f"Cannot read that command line: {exc}.", expected)
    best: list[tuple[int, str]] | None = None
    for line in accepted:
        try:
            notes = _line_notes(split_command_line(line), given, literal_release)
        except ShellSyntaxError:
            continue  # a broken accepted answer accepts nothing (bank validation reports it)
        if not notes:
            return Verdict(True, 1.0, CORRECT, expected)
        if best is None or sum(w for w, _ in notes) < sum(w for w, _ in best):
            best = notes
    hint = "; ".join(note for _, note in (best or [])[:3]) or "that is not the expected command"
    return Verdict(False, 0.0, f"Not quite: {hint}.", expected)


_GRADERS: dict[str, Callable[[dict[str, Any], Any, str | None], Verdict]] = {
    "flashcard": _grade_flashcard,
    "single_choice": _grade_single_choice,
    "multiple_choice": _grade_multiple_choice,
    "true_false": _grade_true_false,
    "short_answer": _grade_short_answer,
    "shell_command": _grade_shell_command,
    "cloze": _grade_cloze,
    "ordering": _grade_ordering,
    "matching": _grade_matching,
}
