"""Moodle XML question types, one function each: (kind, spec, explanation) or None.

Split from moodle_xml.py (which reads the document and the questions' common fields).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from quizzes.importers.gift_answers import (
    NO_MODEL_ANSWER,
    decimal_text,
    option_id,
    parse_decimal,
)
from quizzes.importers.moodle_cloze import cloze_spec
from quizzes.importers.text import plain_to_markdown

if TYPE_CHECKING:
    from quizzes.importers.moodle_xml import Reader


def _skip(reader: Reader, element: Element, type_: str, reason: str) -> None:
    title = " ".join(reader.text_of(element.find("name")).split())
    reader.ctx.skip(type_, title, line=reader.line(element), reason=reason)


def _join(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p)


def _choice(reader: Reader, element: Element, prompt: str, general: str) -> Any:
    answers = element.findall("answer")
    options, fractions = [], []
    for index, answer in enumerate(answers):
        text = reader.markdown(answer, what="an answer", default="html")
        if not text:
            reader.ctx.problem("an answer without text", line=reader.line(answer))
        options.append({"id": option_id(index), "text": text})
        fractions.append(reader.fraction(answer))
    if len(options) < 3:
        _skip(reader, element, "multichoice", f"{len(options)} answers; kmodquiz needs at least 3")
        return None
    single = reader.text_of(element, "single").strip().lower() in ("true", "1")
    feedback = reader.feedback_list([(o["text"], a) for o, a in zip(options, answers, strict=True)])
    spec: dict[str, Any] = {"options": options}
    if single:
        right = [o["id"] for o, f in zip(options, fractions, strict=True) if f == 1]
        if len(right) != 1:
            _skip(
                reader,
                element,
                "multichoice",
                f"{len(right)} answers are 100% right; one is needed",
            )
            return None
        for answer, f in zip(answers, fractions, strict=True):
            if 0 < f < 1:
                reader.ctx.notice(
                    f"partial credit ({f:.0%}) is not kept: this answer counts as wrong",
                    line=reader.line(answer),
                    text=reader.text_of(answer),
                )
        spec["correct"] = right[0]
    else:
        spec["correct"] = [o["id"] for o, f in zip(options, fractions, strict=True) if f > 0]
        if not spec["correct"]:
            reader.ctx.problem("no answer has a positive fraction", line=reader.line(element))
            return None
    if reader.text_of(element, "shuffleanswers").strip().lower() in ("0", "false"):
        spec["shuffle"] = False
    return ("single_choice" if single else "multiple_choice"), spec, _join(general, feedback)


def _true_false(reader: Reader, element: Element, prompt: str, general: str) -> Any:
    correct: bool | None = None
    items = []
    for answer in element.findall("answer"):
        value = reader.text_of(answer).strip().lower()
        if value not in ("true", "false"):
            reader.ctx.problem(
                "a true/false answer is 'true' or 'false'", line=reader.line(answer), text=value
            )
            continue
        items.append((value.capitalize(), answer))
        if reader.fraction(answer) == 1:
            correct = value == "true"
    if correct is None:
        reader.ctx.problem("neither answer has fraction 100", line=reader.line(element))
        return None
    return "true_false", {"correct": correct}, _join(general, reader.feedback_list(items))


def _short_answer(reader: Reader, element: Element, prompt: str, general: str) -> Any:
    accepted, items = [], []
    for answer in element.findall("answer"):
        text = reader.ctx.text(
            reader.text_of(answer).strip(), line=reader.line(answer), what="an answer"
        )
        fraction = reader.fraction(answer)
        if text == "*":
            reader.ctx.notice(
                "a catch-all '*' answer is not kept", line=reader.line(answer), text=text
            )
        elif fraction == 1:
            accepted.append(text)
        elif fraction > 0:
            reader.ctx.notice(
                f"partial credit ({fraction:.0%}) is not kept: this answer counts as wrong",
                line=reader.line(answer),
                text=text,
            )
        items.append((text, answer))
    if not accepted:
        reader.ctx.problem("no answer has fraction 100", line=reader.line(element))
        return None
    spec: dict[str, Any] = {"accepted": accepted}
    if reader.text_of(element, "usecase").strip() in ("1", "true"):
        spec["case_sensitive"] = True
    return "short_answer", spec, _join(general, reader.feedback_list(items))


def _numerical(reader: Reader, element: Element, prompt: str, general: str) -> Any:
    right: list[tuple[Decimal, Decimal]] = []
    items = []
    for answer in element.findall("answer"):
        raw = reader.text_of(answer).strip()
        value = parse_decimal(raw)
        tolerance = parse_decimal(reader.text_of(answer, "tolerance") or "0")
        fraction = reader.fraction(answer)
        if raw == "*":
            items.append(("any other answer", answer))
            continue
        if value is None or tolerance is None or tolerance < 0:
            reader.ctx.problem(
                "a numerical answer needs a number and a tolerance",
                line=reader.line(answer),
                text=raw,
            )
            continue
        if fraction == 1:
            right.append((value, abs(tolerance)))
        elif fraction > 0:
            reader.ctx.notice(
                f"partial credit ({fraction:.0%}) is not kept: this answer counts as wrong",
                line=reader.line(answer),
                text=raw,
            )
        items.append((raw, answer))
    if element.find("units/unit") is not None:
        reader.ctx.notice(
            "units are not kept: the answer is the number alone", line=reader.line(element)
        )
    if not right:
        reader.ctx.problem("no numerical answer has fraction 100", line=reader.line(element))
        return None
    if len({t for _, t in right}) > 1:
        _skip(reader, element, "numerical", "right answers with different tolerances")
        return None
    tolerance = right[0][1]
    spec = {
        "accepted": list(dict.fromkeys(decimal_text(v) for v, _ in right)),
        "tolerance": int(tolerance)
        if tolerance == tolerance.to_integral_value()
        else float(tolerance),
    }
    return "short_answer", spec, _join(general, reader.feedback_list(items))


def _matching(reader: Reader, element: Element, prompt: str, general: str) -> Any:
    left: list[dict[str, str]] = []
    right: list[dict[str, str]] = []
    pairs: dict[str, str] = {}
    for sub in element.findall("subquestion"):
        target = reader.ctx.text(
            reader.text_of(sub, "answer/text").strip(), line=reader.line(sub), what="a match"
        )
        if sub.get("format") != "markdown":  # Moodle shows the right side as plain text
            target = plain_to_markdown(target)
        if not target:
            continue
        rid = next((r["id"] for r in right if r["text"] == target), None)
        if rid is None:
            rid = f"r{len(right) + 1}"
            right.append({"id": rid, "text": target})
        text = reader.markdown(sub, what="a pair", default="html")
        if text:
            lid = f"l{len(left) + 1}"
            left.append({"id": lid, "text": text})
            pairs[lid] = rid
    if len(left) < 3 or len(right) < 3:
        _skip(reader, element, "matching", f"{len(left)} pairs; kmodquiz needs at least 3")
        return None
    return "matching", {"left": left, "right": right, "pairs": pairs}, general


def _ordering(reader: Reader, element: Element, prompt: str, general: str) -> Any:
    items = [
        {"id": option_id(i), "text": reader.markdown(a, what="an item", default="html")}
        for i, a in enumerate(element.findall("answer"))
    ]
    if len(items) < 3:
        _skip(reader, element, "ordering", f"{len(items)} items; kmodquiz needs at least 3")
        return None
    return "ordering", {"items": items, "correct_order": [i["id"] for i in items]}, general


def _essay(reader: Reader, element: Element, prompt: str, general: str) -> Any:
    grader = reader.markdown(
        element.find("graderinfo"), what="the grader information", default="html"
    )
    if grader:
        return "flashcard", {"back": grader}, general
    if not general:
        reader.ctx.notice(
            "an essay question without grader information or feedback becomes a flashcard with "
            "no model answer",
            line=reader.line(element),
        )
    return "flashcard", {"back": general or NO_MODEL_ANSWER}, ""


def _cloze(reader: Reader, element: Element, prompt: str, general: str) -> Any:
    spec = cloze_spec(reader, element)
    return None if spec is None else ("cloze", spec, general)


TYPE_READERS = {
    "multichoice": _choice,
    "truefalse": _true_false,
    "shortanswer": _short_answer,
    "numerical": _numerical,
    "match": _matching,
    "matching": _matching,
    "ordering": _ordering,
    "essay": _essay,
    "cloze": _cloze,
    "multianswer": _cloze,
}
