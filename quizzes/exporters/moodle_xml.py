"""Export to Moodle XML (docs/formats.md#moodle-xml).

Texts are written with `format="markdown"` (Moodle renders Markdown), so they re-import as
written. Each question sits in the category of its primary topic, whose idnumber carries the
topic's slug ("kmodquiz:commands/modprobe"). Difficulty, source and further topics are not kept;
a cloze's hints and lead-in, and shell command grading, neither (listed in `skipped`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from quizzes.exporters.base import ExportResult, SkipLog
from quizzes.exporters.gift import common_losses, topic_titles
from quizzes.grading import parse_cloze
from quizzes.importers.base import ParsedBank, ParsedQuestion
from quizzes.importers.gift_answers import NO_MODEL_ANSWER
from quizzes.importers.moodle_xml import CATEGORY_ID_PREFIX

CONTENT_TYPE = "application/xml"
_CLOZE_SPECIAL = re.compile(r"([\\}~#/\"])")


def _text(parent: Element, tag: str, text: str, fmt: str | None = "markdown") -> Element:
    element = SubElement(parent, tag, {"format": fmt} if fmt else {})
    SubElement(element, "text").text = text
    return element


def _answer(
    parent: Element, fraction: Decimal | int, text: str, fmt: str | None = "markdown"
) -> Element:
    value = f"{Decimal(fraction):.7f}".rstrip("0").rstrip(".")
    answer = _text(parent, "answer", text, fmt)
    answer.set("fraction", value)
    _text(answer, "feedback", "")
    return answer


def _category(quiz: Element, parsed: ParsedBank, slug: str) -> None:
    titles = topic_titles(parsed.topics, slug)
    question = SubElement(quiz, "question", {"type": "category"})
    path = "/".join(t.replace("/", "//") for t in titles)
    SubElement(SubElement(question, "category"), "text").text = f"$course$/top/{path}"
    _text(question, "info", "", "moodle_auto_format")
    if len(CATEGORY_ID_PREFIX + slug) <= 100:
        SubElement(question, "idnumber").text = CATEGORY_ID_PREFIX + slug


def _cloze_text(q: ParsedQuestion, log: SkipLog) -> str:
    text, last, out = q.spec["text"], 0, []
    alternatives = q.spec.get("alternatives", {})
    for deletion in parse_cloze(text):
        if deletion.hint:
            log.add(q.external_id, "cloze hints")
        answers = [deletion.answer, *alternatives.get(deletion.key, [])]
        body = "~".join("=" + _CLOZE_SPECIAL.sub(r"\\\1", a) for a in answers)
        out += [text[last : deletion.start], f"{{1:SHORTANSWER:{body}}}"]
        last = deletion.end
    if len({d.key for d in parse_cloze(text)}) != len(parse_cloze(text)):
        log.add(q.external_id, "a deletion asked in several places (each gap is its own)")
    if q.prompt:
        log.add(q.external_id, "the lead-in of a cloze (joined to its text)")
        out.insert(0, q.prompt + "\n\n")
    return "".join(out + [text[last:]])


def _body(question: Element, q: ParsedQuestion, log: SkipLog) -> str | None:
    spec = q.spec
    if q.kind == "flashcard":
        if spec["back"] != NO_MODEL_ANSWER:
            _text(question, "graderinfo", spec["back"])
        _text(question, "responsetemplate", "")
        SubElement(question, "responseformat").text = "editor"
        return "essay"
    if q.kind in ("single_choice", "multiple_choice"):
        single = q.kind == "single_choice"
        SubElement(question, "single").text = "true" if single else "false"
        SubElement(question, "shuffleanswers").text = "0" if spec.get("shuffle") is False else "1"
        SubElement(question, "answernumbering").text = "abc"
        right = {spec["correct"]} if single else set(spec["correct"])
        share = Decimal(100) / len(right)
        for option in spec["options"]:
            wrong = Decimal(0) if single else -share
            _answer(question, share if option["id"] in right else wrong, option["text"])
        return "multichoice"
    if q.kind == "true_false":
        _answer(question, 100 if spec["correct"] else 0, "true", "moodle_auto_format")
        _answer(question, 0 if spec["correct"] else 100, "false", "moodle_auto_format")
        return "truefalse"
    if q.kind in ("short_answer", "shell_command"):
        if q.kind == "shell_command":
            log.add(q.external_id, "shell command grading (exported as a short answer)")
        if "tolerance" in spec:
            for value in spec["accepted"]:
                SubElement(
                    _answer(question, 100, value, "moodle_auto_format"), "tolerance"
                ).text = str(spec["tolerance"])
            return "numerical"
        SubElement(question, "usecase").text = "1" if spec.get("case_sensitive") else "0"
        for value in spec["accepted"]:
            _answer(question, 100, value, "moodle_auto_format")
        return "shortanswer"
    if q.kind == "cloze":
        question.find("questiontext/text").text = _cloze_text(q, log)  # type: ignore[union-attr]
        return "cloze"
    if q.kind == "ordering":
        texts = {i["id"]: i["text"] for i in spec["items"]}
        SubElement(question, "layouttype").text = "VERTICAL"
        SubElement(question, "selecttype").text = "ALL"
        SubElement(question, "gradingtype").text = "ABSOLUTE_POSITION"
        for item_id in spec["correct_order"]:
            _answer(question, 100, texts[item_id])
        return "ordering"
    if q.kind == "matching":
        SubElement(question, "shuffleanswers").text = "true"
        right = {r["id"]: r["text"] for r in spec["right"]}
        pairs: list[tuple[str, str]] = [
            (left["text"], right[spec["pairs"][left["id"]]]) for left in spec["left"]
        ]
        used = set(spec["pairs"].values())
        pairs += [("", r["text"]) for r in spec["right"] if r["id"] not in used]
        for left_text, right_text in pairs:
            sub = _text(question, "subquestion", left_text)
            SubElement(SubElement(sub, "answer"), "text").text = right_text
        return "matching"
    log.add(q.external_id, f"{q.kind} questions", left_out=True)
    return None


def export(parsed: ParsedBank) -> ExportResult:
    """The bank as Moodle XML (UTF-8)."""
    log = SkipLog()
    quiz = Element("quiz")
    category: str | None = None
    for q in parsed.questions:
        if q.topics and q.topics[0] != category:
            category = q.topics[0]
            _category(quiz, parsed, category)
        question = SubElement(quiz, "question")
        SubElement(SubElement(question, "name"), "text").text = q.external_id
        _text(question, "questiontext", q.prompt)
        _text(question, "generalfeedback", q.explanation)
        SubElement(question, "defaultgrade").text = "1"
        SubElement(question, "penalty").text = "0.3333333"
        SubElement(question, "hidden").text = "0"
        SubElement(question, "idnumber").text = q.external_id
        qtype = _body(question, q, log)
        if qtype is None:
            quiz.remove(question)
            continue
        question.set("type", qtype)
        common_losses(q, log, "Moodle XML", tags_kept=True)
        if q.tags:
            tags = SubElement(question, "tags")
            for tag in q.tags:
                SubElement(SubElement(tags, "tag"), "text").text = tag
    indent(quiz, space="  ")
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        + tostring(quiz, encoding="utf-8", xml_declaration=False)
        + b"\n"
    )
    return ExportResult(content, f"{parsed.slug}.moodle.xml", CONTENT_TYPE, log.entries())
