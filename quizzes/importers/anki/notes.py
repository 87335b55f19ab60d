"""Anki notes to kmodquiz questions, by the shape of their note type (names vary by language).

- a cloze note type (`{{cloze:Text}}`): a cloze; other fields on the back become the explanation;
- a template asking `{{type:Field}}`: a short answer (Basic (type in the answer));
- any other template: a flashcard of the fields it shows on the front and those it adds on the
  back (Basic; a reversed card of Basic (and reversed card) is not imported, with a notice);
- a note type kmodquiz exported (with its hidden `kmodquiz` field): the question exactly as
  exported, or, when the note was edited in Anki, as its fields now read.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from typing import Any

from quizzes.importers.anki.collection import Note, NoteType
from quizzes.importers.base import ParsedQuestion, ParsedTopic
from quizzes.importers.common import EXTERNAL_ID_RE, TOPIC_SLUG_MAX, ParseContext, digest
from quizzes.importers.text import HtmlTooDeep, html_to_markdown, html_to_text

META_FIELD = "kmodquiz"
GUID_PREFIX = "anki:"
_REF_RE = re.compile(r"\{\{([#^/]?)([^{}]+?)\}\}")
_SPECIAL = {"FrontSide", "Tags", "Deck", "Subdeck", "Card", "CardFlag", "Type", "CardID"}
_CLOZE_RE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_SOUND_RE = re.compile(r"\[sound:[^\]]*\]")
_IGNORED_TAGS = {"leech", "marked"}
_SLUG_PATH_RE = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$")


def external_id_for_guid(guid: str) -> str:
    """A note's guid as an external id: itself when it fits the id pattern, else encoded
    reversibly ("anki:" and its hex), so that an export can give Anki the same guid back."""
    if EXTERNAL_ID_RE.match(guid) and not guid.startswith(GUID_PREFIX):
        return guid
    encoded = GUID_PREFIX + guid.encode("utf-8", "surrogatepass").hex()
    return encoded if len(encoded) <= 100 else f"anki-{digest(guid, length=20)}"


def guid_for_external_id(external_id: str) -> str:
    """The inverse of external_id_for_guid (an id kmodquiz made up is its own guid)."""
    if external_id.startswith(GUID_PREFIX):
        try:
            return bytes.fromhex(external_id[len(GUID_PREFIX) :]).decode("utf-8")
        except ValueError:
            return external_id
    return external_id


def fields_digest(values: list[str]) -> str:
    """A digest of a note's visible fields, to tell a note edited in Anki from an untouched one."""
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:16]


def references(template: str) -> list[str]:
    """Field names a template shows, in order ({{Front}}, {{text:Back}}; not {{#Back}})."""
    found = []
    for marker, ref in _REF_RE.findall(template):
        filters = [part.strip() for part in ref.split(":")]
        name = filters[-1]
        if "type" in filters[:-1] or "cloze" in filters[:-1]:
            continue  # the typed answer and the cloze text are not shown as such
        if not marker and name not in _SPECIAL and name not in found:
            found.append(name)
    return found


class NoteReader:
    def __init__(self, ctx: ParseContext) -> None:
        self.ctx = ctx

    def markdown(self, html: str, where: str) -> str:
        html = self.ctx.text(html, line=None, what=f"{where}")
        if _SOUND_RE.search(html):
            self.ctx.notice("a sound is not imported", text=where)
            html = _SOUND_RE.sub("", html)
        try:
            return html_to_markdown(html, max_depth=self.ctx.limits.max_depth)
        except HtmlTooDeep as exc:
            self.ctx.problem(str(exc), path=where, text=html)
            return ""

    def cloze_markdown(self, html: str, where: str) -> str:
        """A cloze field as Markdown: the deletions' answers become plain text."""
        tokens: list[str] = []

        def hold(match: re.Match[str]) -> str:
            answer = html_to_text(match.group(2))
            hint = f"::{html_to_text(match.group(3))}" if match.group(3) else ""
            tokens.append("{{" + f"c{int(match.group(1))}::{answer}{hint}" + "}}")
            return f"KMQDEL{len(tokens)}X"

        text = self.markdown(_CLOZE_RE.sub(hold, html), where)
        for number, deletion in enumerate(tokens, start=1):
            text = text.replace(f"KMQDEL{number}X", deletion, 1)
        return text

    def topics(self, note: Note) -> tuple[str, ...]:
        found = [self.ctx.topic_path(note.deck)] if note.deck else []
        for tag in note.tags:
            if tag.lower() not in _IGNORED_TAGS:
                found.append(self.ctx.topic_path([p for p in tag.split("::") if p]))
        return tuple(dict.fromkeys(found)) or (self.ctx.default_topic(),)

    def question(self, note: Note, notetype: NoteType) -> ParsedQuestion | None:
        values = dict(zip(notetype.fields, note.fields, strict=False))
        where = f"note {note.guid[:40]!r}"
        external_id = self.ctx.external_id(
            external_id_for_guid(note.guid), fallback=note.guid, prefix="anki", line=None
        )
        if META_FIELD in values:
            meta = self._meta(values, notetype, where)
            if meta is not None:
                return self._from_meta(meta, values, notetype, external_id, where)
        made = self._shape(note, notetype, values, where)
        if made is None:
            return None
        kind, prompt, spec, explanation = made
        return ParsedQuestion(
            external_id, kind, prompt, explanation, spec, topics=self.topics(note)
        )

    def _shape(
        self, note: Note, notetype: NoteType, values: dict[str, str], where: str
    ) -> tuple[str, str, dict[str, Any], str] | None:
        if not notetype.templates:
            self.ctx.skip(notetype.name or "note type", where, line=None, reason="no card template")
            return None
        question, answer = notetype.templates[0]
        if notetype.cloze:
            text_fields = [
                n for _, n in re.findall(r"\{\{(cloze:)([^{}]+?)\}\}", question) if n in values
            ]
            if (
                not text_fields
                or "Occlusion" in text_fields
                or "occlusion" in notetype.name.lower()
            ):
                self.ctx.skip(notetype.name or "cloze", where, line=None, reason="not a text cloze")
                return None
            text = self.cloze_markdown(values[text_fields[0]], where)
            extra = [n for n in references(answer) if n not in text_fields and n in values]
            explanation = "\n\n".join(
                m for m in (self.markdown(values[n], where) for n in extra) if m
            )
            return "cloze", "", {"text": text}, explanation
        front = [n for n in references(question) if n in values]
        typed = [n.split(":")[-1].strip() for n in re.findall(r"\{\{type:([^{}]+?)\}\}", question)]
        prompt = "\n\n".join(m for m in (self.markdown(values[n], where) for n in front) if m)
        if not front:
            self.ctx.skip(
                notetype.name or "note type", where, line=None, reason="no field on the front"
            )
            return None
        if typed and typed[0] in values:
            accepted = html_to_text(values[typed[0]])
            return "short_answer", prompt, {"accepted": [accepted]}, ""
        back_fields = [n for n in references(answer) if n in values and n not in front]
        back = "\n\n".join(m for m in (self.markdown(values[n], where) for n in back_fields) if m)
        if len(notetype.templates) > 1:
            self.ctx.notice(
                "a note's further cards (such as a reversed card) are not imported: it becomes "
                "one flashcard, front to back",
                text=notetype.name,
            )
        return "flashcard", prompt, {"back": back}, ""

    def _meta(
        self, values: dict[str, str], notetype: NoteType, where: str
    ) -> dict[str, Any] | None:
        raw = html.unescape(values[META_FIELD])  # written HTML-escaped, as a field is HTML
        try:
            meta = json.loads(raw)
        except (ValueError, RecursionError):
            self.ctx.notice(
                "the note's kmodquiz field is not readable: its fields are used", text=where
            )
            return None
        if not isinstance(meta, dict) or not isinstance(meta.get("spec"), dict):
            self.ctx.notice(
                "the note's kmodquiz field is not readable: its fields are used", text=where
            )
            return None
        return meta

    def _from_meta(
        self,
        meta: dict[str, Any],
        values: dict[str, str],
        notetype: NoteType,
        external_id: str,
        where: str,
    ) -> ParsedQuestion | None:
        visible = [values[n] for n in notetype.fields if n != META_FIELD]
        kind, spec = str(meta.get("kind", "")), dict(meta["spec"])
        prompt, explanation = str(meta.get("prompt", "")), str(meta.get("explanation", ""))
        if meta.get("digest") != fields_digest(visible):
            if kind == "flashcard" and "Back" in values:
                prompt = self.markdown(values.get("Front", ""), where)
                spec = {"back": self.markdown(values["Back"], where)}
            elif kind in ("short_answer", "shell_command") and "Answer" in values:
                prompt = self.markdown(values.get("Front", ""), where)
                accepted = [html_to_text(values["Answer"])] + list(spec.get("accepted", []))[1:]
                spec = {**spec, "accepted": list(dict.fromkeys(accepted))}
            elif kind == "cloze" and "Text" in values:
                spec = {**spec, "text": self.cloze_markdown(values["Text"], where)}
            else:
                self.ctx.notice(
                    "this note was edited in Anki, but edits to this kind of question cannot be "
                    "read back: it is imported as exported",
                    text=external_id,
                )
            if "Explanation" in values:
                explanation = self.markdown(values["Explanation"], where)
        for item in meta.get("topic_tree") or []:
            if (
                isinstance(item, list)
                and len(item) == 3
                and isinstance(item[0], str)
                and _SLUG_PATH_RE.match(item[0])
                and len(item[0]) <= TOPIC_SLUG_MAX
            ):
                self.ctx.add_topic(ParsedTopic(item[0], str(item[1])[:200], item[2] or None))
        topics = tuple(str(t) for t in meta.get("topics") or [] if isinstance(t, str))
        difficulty = meta.get("difficulty", 2)
        return ParsedQuestion(
            external_id=external_id,
            kind=kind,
            prompt=prompt,
            explanation=explanation,
            spec=spec,
            difficulty=difficulty if difficulty in (1, 2, 3) else 2,
            source=str(meta.get("source", "")),
            since=str(meta.get("since", "")),
            tags=tuple(str(t) for t in meta.get("tags") or [] if isinstance(t, str)),
            topics=topics or (self.ctx.default_topic(),),
        )
