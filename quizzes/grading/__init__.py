"""Grade an answer payload against a question's answer spec (see docs/formats.md).

Pure functions over plain data: `grade(kind, spec, answer)` returns a Verdict, and raises only
InvalidAnswer, for a payload of the wrong shape (the API turns it into HTTP 400). Typed shell
commands are graded by what they do, in `shell.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from quizzes.grading.shell import grade_shell_command
from quizzes.grading.verdict import CORRECT, InvalidAnswer, Verdict
from quizzes.shell_options import unknown_options

__all__ = [
    "CORRECT",
    "FLASHCARD_FEEDBACK",
    "ClozeDeletion",
    "InvalidAnswer",
    "Verdict",
    "cloze_keys",
    "expected_answer",
    "grade",
    "parse_cloze",
    "render_cloze",
    "unknown_options",
]


@dataclass(frozen=True)
class ClozeDeletion:
    """One `{{cN::answer::hint}}` of a cloze text; start/end are its offsets in the text."""

    key: str
    answer: str
    hint: str | None
    start: int
    end: int


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


_GRADERS: dict[str, Callable[[dict[str, Any], Any, str | None], Verdict]] = {
    "flashcard": _grade_flashcard,
    "single_choice": _grade_single_choice,
    "multiple_choice": _grade_multiple_choice,
    "true_false": _grade_true_false,
    "short_answer": _grade_short_answer,
    "shell_command": grade_shell_command,
    "cloze": _grade_cloze,
    "ordering": _grade_ordering,
    "matching": _grade_matching,
}
