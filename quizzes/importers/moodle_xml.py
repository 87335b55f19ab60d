"""Moodle XML (docs/formats.md#moodle-xml), read with defusedxml.

Categories become topics, `idnumber` (else the name) the external id, tags tags. HTML text is
converted to Markdown (rendered and sanitised like any other Markdown when shown).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element

from quizzes.importers.base import ParsedBank, ParsedQuestion, ParseLimits
from quizzes.importers.common import TOPIC_SLUG_MAX, ParseContext, normalise_tag
from quizzes.importers.gift import category_titles
from quizzes.importers.gift_answers import (
    NO_MODEL_ANSWER,
    decimal_text,
    option_id,
    parse_decimal,
)
from quizzes.importers.moodle_cloze import cloze_spec
from quizzes.importers.text import (
    HtmlTooDeep,
    html_images,
    html_to_markdown,
    looks_like_html,
    plain_to_markdown,
)
from quizzes.importers.xmltree import XmlDocument, XmlProblem

_SLUG_PATH_RE = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$")
CATEGORY_ID_PREFIX = "kmodquiz:"
UNSUPPORTED_TYPES = {
    "calculated": "calculated",
    "calculatedsimple": "calculated simple",
    "calculatedmulti": "calculated multichoice",
    "randomsamatch": "random short-answer matching",
    "random": "random",
    "ddwtos": "drag and drop into text",
    "ddimageortext": "drag and drop onto image",
    "ddmarker": "drag and drop markers",
    "gapselect": "select missing words",
}


class Reader:
    """Reads one question element at a time; `ctx` collects problems and topics."""

    def __init__(self, ctx: ParseContext, doc: XmlDocument) -> None:
        self.ctx = ctx
        self.doc = doc

    def line(self, element: Element) -> int | None:
        return self.doc.line(element)

    def text_of(self, element: Element | None, path: str = "text") -> str:
        if element is None:
            return ""
        found = element.find(path) if path else element
        return (found.text or "") if found is not None else ""

    def markdown(
        self, element: Element | None, *, what: str, default: str = "moodle_auto_format"
    ) -> str:
        """The <text> of a text element as Markdown, by its `format` attribute."""
        if element is None:
            return ""
        line = self.line(element)
        fmt = element.get("format", default)
        text = self.ctx.text(self.text_of(element).strip(), line=line, what=what)
        for file in element.findall("file"):
            self.ctx.notice(
                "an embedded file is not imported", line=line, text=file.get("name", "")
            )
        try:
            if fmt == "markdown":
                return text
            if fmt == "plain_text" or (fmt == "moodle_auto_format" and not looks_like_html(text)):
                return plain_to_markdown(text)
            html = text if fmt == "html" else text.replace("\n", "<br>\n")
            if any(src and "@@PLUGINFILE@@" not in src for src in html_images(html)):
                self.ctx.notice("an image is not imported", line=line, text=text)
            return html_to_markdown(html, max_depth=self.ctx.limits.max_depth)
        except HtmlTooDeep as exc:
            self.ctx.problem(str(exc), line=line, text=text)
            return ""

    def fraction(self, answer: Element) -> Decimal:
        raw = answer.get("fraction", "0")
        value = parse_decimal(raw)
        if value is None:
            self.ctx.problem(
                "fraction is not a number",
                line=self.line(answer),
                path="<answer fraction>",
                text=raw,
            )
            return Decimal(0)
        return value / 100

    def feedback_list(self, items: list[tuple[str, Element]]) -> str:
        lines = []
        for label, answer in items:
            feedback = self.markdown(answer.find("feedback"), what="the feedback", default="html")
            if feedback:
                lines.append(f"- **{label}**: {feedback}")
        return "Feedback on the answers:\n\n" + "\n".join(lines) if lines else ""


def read(data: bytes, *, filename: str, skip_unsupported: bool, limits: ParseLimits) -> ParsedBank:
    """Parse a Moodle XML file; ParseError lists every problem (line of each)."""
    ctx = ParseContext(limits=limits, filename=filename)
    try:
        doc = XmlDocument(data, max_depth=limits.max_depth)
    except XmlProblem as exc:
        ctx.problem(str(exc), line=exc.line, column=exc.column)
        return ctx.finish([], skip_unsupported=skip_unsupported)
    if doc.root.tag != "quiz":
        ctx.problem(
            f"the root element is <{excerpt_tag(doc.root.tag)}>, not <quiz>",
            line=doc.line(doc.root),
        )
        return ctx.finish([], skip_unsupported=skip_unsupported)
    reader = Reader(ctx, doc)
    questions: list[ParsedQuestion] = []
    topic: str | None = None
    for element in doc.root:
        if element.tag != "question":
            continue
        if len(questions) > limits.max_questions:
            break
        qtype = element.get("type", "")
        line = doc.line(element)
        if qtype == "category":
            path = reader.text_of(element.find("category"))
            titles = category_titles(ctx.text(path, line=line, what="the category"))
            slug = reader.text_of(element, "idnumber").strip()
            topic = _category_topic(ctx, titles, slug, line) if titles else None
            continue
        question = _question(reader, element, qtype, topic)
        if question is not None:
            questions.append(question)
    return ctx.finish(questions, skip_unsupported=skip_unsupported)


def excerpt_tag(tag: str) -> str:
    return tag[:40]


def _category_topic(ctx: ParseContext, titles: list[str], idnumber: str, line: int | None) -> str:
    # kmodquiz writes a topic's slug as its category's idnumber ("kmodquiz:commands/modprobe"),
    # so that a round trip keeps slugs and titles alike; other idnumbers are Moodle's own.
    slug = idnumber.removeprefix(CATEGORY_ID_PREFIX)
    if (
        idnumber.startswith(CATEGORY_ID_PREFIX)
        and _SLUG_PATH_RE.match(slug)
        and len(slug) <= TOPIC_SLUG_MAX
        and slug.count("/") + 1 == len(titles)
    ):
        return ctx.topic_slugs(titles, slug.split("/"), line=line)
    return ctx.topic_path(titles, line=line)


def _question(
    reader: Reader, element: Element, qtype: str, topic: str | None
) -> ParsedQuestion | None:
    ctx = reader.ctx
    line = reader.line(element)
    name = " ".join(reader.text_of(element.find("name")).split())
    title = name or reader.text_of(element.find("questiontext"))[:80]
    if qtype == "description":
        ctx.notice("a description is not a question: left out", line=line, text=title)
        return None
    if qtype in UNSUPPORTED_TYPES or qtype not in _KINDS:
        ctx.skip(UNSUPPORTED_TYPES.get(qtype, qtype or "untyped"), title, line=line)
        return None
    prompt = reader.markdown(element.find("questiontext"), what="the question text")
    general = reader.markdown(element.find("generalfeedback"), what="the general feedback")
    result = _KINDS[qtype](reader, element, prompt, general)
    if result is None:
        return None
    kind, spec, explanation = result
    if kind == "cloze":
        prompt = ""
    idnumber = reader.text_of(element, "idnumber").strip()
    external_id = ctx.external_id(
        idnumber or name, fallback=prompt or str(spec), prefix="moodle", line=line
    )
    tags = tuple(
        dict.fromkeys(
            t
            for t in (normalise_tag(reader.text_of(tag)) for tag in element.findall("tags/tag"))
            if t
        )
    )
    return ParsedQuestion(
        external_id=external_id,
        kind=kind,
        prompt=prompt,
        explanation=explanation,
        spec=spec,
        tags=tags,
        topics=(topic or ctx.default_topic(),),
        line=line,
    )


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


_KINDS = {
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
