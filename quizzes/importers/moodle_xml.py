"""Moodle XML (docs/formats.md#moodle-xml), read with defusedxml.

Categories become topics, `idnumber` (else the name) the external id, tags tags. HTML text is
converted to Markdown (rendered and sanitised like any other Markdown when shown).
"""

from __future__ import annotations

import re
from decimal import Decimal
from xml.etree.ElementTree import Element

from quizzes.importers.base import ParsedBank, ParsedQuestion, ParseLimits
from quizzes.importers.common import TOPIC_SLUG_MAX, ParseContext, normalise_tag
from quizzes.importers.gift import category_titles
from quizzes.importers.gift_answers import parse_decimal
from quizzes.importers.moodle_kinds import TYPE_READERS
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
    if qtype in UNSUPPORTED_TYPES or qtype not in TYPE_READERS:
        ctx.skip(UNSUPPORTED_TYPES.get(qtype, qtype or "untyped"), title, line=line)
        return None
    prompt = reader.markdown(element.find("questiontext"), what="the question text")
    general = reader.markdown(element.find("generalfeedback"), what="the general feedback")
    result = TYPE_READERS[qtype](reader, element, prompt, general)
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
