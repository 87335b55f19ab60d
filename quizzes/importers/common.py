"""What every non-native parser shares: collecting problems, ids, topics and final validation.

A parser reads its whole file, reporting each problem to a ParseContext as it goes (with the
line, column and text of the offending field), builds questions, and hands them to
`ParseContext.finish`, which validates every question against the native rules (so whatever any
format imports also exports to, and re-imports from, the native JSON) and raises one ParseError
listing everything, or returns the ParsedBank.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jsonschema

from quizzes.importers.base import (
    ImportProblem,
    ParsedBank,
    ParsedQuestion,
    ParsedTopic,
    ParseError,
    ParseLimits,
    Unsupported,
    excerpt,
)
from quizzes.importers.checks import spec_problems
from quizzes.importers.native import question_schema_errors

# The model columns' sizes (quizzes/models/banks.py) and the native format's patterns.
EXTERNAL_ID_MAX = 100
SOURCE_MAX = 300
TOPIC_SLUG_MAX = 200
TITLE_MAX = 200
TAG_MAX = 50
EXTERNAL_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")
DEFAULT_TOPIC = ParsedTopic("general", "General")


def kinds() -> list[str]:
    """The nine question kinds, as the native JSON Schema lists them."""
    from quizzes.importers.native import schema

    return list(schema()["$defs"]["question"]["properties"]["kind"]["enum"])


def digest(*parts: str, length: int = 12) -> str:
    """A short, stable hash of some text (for ids derived from content)."""
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:length]


def slug_segment(title: str) -> str:
    """One topic slug segment from a title: ASCII, lower case, words joined by '-'."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    return slug or f"t-{digest(title, length=8)}"


def normalise_tag(tag: str) -> str | None:
    """A tag in the native pattern (`[a-z0-9][a-z0-9_-]*`, ≤ 50), or None if nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9_-]+", "-", ascii_text.lower()).lstrip("-_")[:TAG_MAX]
    return cleaned if cleaned and TAG_RE.match(cleaned) else None


def as_external_id(candidate: str) -> str:
    """A name from a file as an id in the native pattern, or "" when nothing usable is left.

    Characters outside `[A-Za-z0-9._:-]` become '-'; an over-long name keeps its start and
    gains a hash of the whole, so that two long names sharing a start stay apart.
    """
    cleaned = re.sub(r"[^A-Za-z0-9._:-]+", "-", candidate.strip()).strip("-")
    if len(cleaned) > EXTERNAL_ID_MAX:
        cleaned = f"{cleaned[: EXTERNAL_ID_MAX - 13].rstrip('-')}-{digest(candidate)}"
    return cleaned


@dataclass
class ParseContext:
    """Problems, notices, unsupported questions, ids and topics of one file being parsed."""

    limits: ParseLimits
    filename: str = ""
    problems: list[ImportProblem] = field(default_factory=list)
    notices: list[ImportProblem] = field(default_factory=list)
    unsupported: list[Unsupported] = field(default_factory=list)
    topics: dict[str, ParsedTopic] = field(default_factory=dict)
    _ids: set[str] = field(default_factory=set)
    _dropped: int = 0

    # --- reporting ----------------------------------------------------------------------------

    def problem(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        path: str = "",
        text: str = "",
    ) -> None:
        if len(self.problems) >= self.limits.max_problems:
            self._dropped += 1
            return
        self.problems.append(
            ImportProblem(message, line=line, path=path, column=column, text=excerpt(text))
        )

    def notice(self, message: str, *, line: int | None = None, text: str = "") -> None:
        if len(self.notices) < self.limits.max_problems:
            self.notices.append(ImportProblem(message, line=line, text=excerpt(text)))

    def skip(self, type_: str, title: str, *, line: int | None, reason: str = "") -> None:
        self.unsupported.append(Unsupported(type_, excerpt(title, 80), line, reason))

    def text(
        self,
        value: str,
        *,
        line: int | None,
        what: str,
        column: int | None = None,
        required: bool = False,
        max_chars: int | None = None,
    ) -> str:
        """A text field checked for NUL characters, length and (if required) content."""
        limit = max_chars or self.limits.max_text_chars
        if "\x00" in value:
            self.problem(f"{what} contains a NUL character", line=line, column=column, text=value)
            value = value.replace("\x00", "")
        if len(value) > limit:
            self.problem(
                f"{what} is {len(value):,} characters long (at most {limit:,})",
                line=line,
                column=column,
                text=value,
            )
            value = value[:limit]
        if required and not value.strip():
            self.problem(f"{what} is empty", line=line, column=column)
        return value

    # --- ids and topics -------------------------------------------------------------------------

    def external_id(self, candidate: str, *, fallback: str, prefix: str, line: int | None) -> str:
        """A question's id: the file's own name for it, else a hash of its content.

        Deterministic and unique within the file: a repeated id gets '-2', '-3'... in file
        order, and a notice says so (re-importing the same file gives the same ids).
        """
        base = as_external_id(candidate) if candidate else ""
        if not base:
            base = f"{prefix}-{digest(fallback)}"
        chosen, n = base, 1
        while chosen in self._ids:
            n += 1
            chosen = f"{base[: EXTERNAL_ID_MAX - len(str(n)) - 1]}-{n}"
        if chosen != base:
            self.notice(
                f"the id {base!r} is used by an earlier question; this one is {chosen!r}",
                line=line,
                text=candidate or fallback,
            )
        self._ids.add(chosen)
        return chosen

    def topic_path(self, titles: list[str], *, line: int | None = None) -> str:
        """The slug of a topic given by its path of titles, creating it and its parents."""
        parent: str | None = None
        for raw in titles:
            title = " ".join(raw.split())[:TITLE_MAX] or "Untitled"
            slug = slug_segment(title) if parent is None else f"{parent}/{slug_segment(title)}"
            if len(slug) > TOPIC_SLUG_MAX:
                self.problem(
                    f"topic path is nested too deeply ({len(slug)} characters of slug, "
                    f"at most {TOPIC_SLUG_MAX})",
                    line=line,
                    text="/".join(titles),
                )
                return parent or DEFAULT_TOPIC.slug
            self.topics.setdefault(slug, ParsedTopic(slug, title, parent))
            parent = slug
        return parent or self.default_topic()

    def topic_slugs(self, titles: list[str], slugs: list[str], *, line: int | None = None) -> str:
        """Like topic_path, with each level's slug segment given (a file that names them)."""
        parent: str | None = None
        for raw, segment in zip(titles, slugs, strict=True):
            title = " ".join(raw.split())[:TITLE_MAX] or "Untitled"
            slug = segment if parent is None else f"{parent}/{segment}"
            self.topics.setdefault(slug, ParsedTopic(slug, title, parent))
            parent = slug
        return parent or self.default_topic()

    def add_topic(self, topic: ParsedTopic) -> None:
        self.topics.setdefault(topic.slug, topic)

    def default_topic(self) -> str:
        self.topics.setdefault(DEFAULT_TOPIC.slug, DEFAULT_TOPIC)
        return DEFAULT_TOPIC.slug

    # --- the end --------------------------------------------------------------------------------

    def finish(
        self,
        questions: list[ParsedQuestion],
        *,
        slug: str = "",
        title: str = "",
        description: str = "",
        skip_unsupported: bool = False,
    ) -> ParsedBank:
        """Validate every question, then raise one ParseError or return the bank."""
        if len(questions) > self.limits.max_questions:
            self.problem(
                f"the file has {len(questions):,} questions (at most "
                f"{self.limits.max_questions:,} in one import)"
            )
        for question in questions[: self.limits.max_questions]:
            for message, path, text in question_problems(question, self.topics):
                self.problem(message, line=question.line, path=path, text=text)
        if not questions and not self.unsupported and not self.problems:
            self.problem("the file holds no questions")
        problems = list(self.problems)
        if self.unsupported and not skip_unsupported:
            problems += [u.as_problem() for u in self.unsupported]
        if self._dropped:
            problems.append(ImportProblem(f"... and {self._dropped:,} more problems"))
        if problems:
            problems.sort(key=lambda p: (p.line or 0, p.column or 0))
            raise ParseError(problems, self.unsupported)
        stem = re.sub(r"\.[A-Za-z0-9]+$", "", self.filename.rsplit("/", 1)[-1])
        bank_title = (title or stem or "Imported questions").strip()[:TITLE_MAX]
        return ParsedBank(
            slug=(slug or slug_segment(bank_title))[:80].strip("-") or "imported",
            title=bank_title,
            description=description,
            topics=_parents_first(self.topics),
            questions=questions,
            notices=list(self.notices),
            unsupported=list(self.unsupported),
        )


def _parents_first(topics: dict[str, ParsedTopic]) -> list[ParsedTopic]:
    # Slugs are paths, so sorting by depth puts every parent before its children.
    return sorted(topics.values(), key=lambda t: (t.slug.count("/"), list(topics).index(t.slug)))


@lru_cache(maxsize=1)
def _question_validator() -> jsonschema.Draft202012Validator:
    from quizzes.importers.native import schema

    root = schema()
    return jsonschema.Draft202012Validator({"$defs": root["$defs"], "$ref": "#/$defs/question"})


def question_problems(
    question: ParsedQuestion, topics: dict[str, ParsedTopic]
) -> list[tuple[str, str, str]]:
    """(message, field path, offending text) for a question that breaks the native rules."""
    document: dict[str, Any] = {
        "id": question.external_id,
        "kind": question.kind,
        "topics": list(question.topics),
        "prompt": question.prompt,
        "explanation": question.explanation,
        "difficulty": question.difficulty,
        "source": question.source,
        **({"since": question.since} if question.since else {}),
        "tags": list(question.tags),
        "spec": question.spec,
    }
    found: list[tuple[str, str, str]] = []
    if "\\u0000" in json.dumps(document):  # a NUL anywhere, found in one C-speed pass
        found.append(("contains a NUL character", "", ""))
    if len(question.source) > SOURCE_MAX:
        found.append((f"source is longer than {SOURCE_MAX} characters", "source", question.source))
    for slug in question.topics:
        if slug not in topics:
            found.append((f"unknown topic {excerpt(slug)!r}", "topics", slug))
    for parts, message in question_schema_errors(document):
        path = ".".join(str(p) for p in parts)
        if path == "source" and len(question.source) > SOURCE_MAX:
            continue  # said above, in words
        found.append((message, path, ""))
    if not found:
        found += [(m, f"spec.{p}", "") for p, m in spec_problems(question.kind, question.spec)]
    return found


def decode_text(data: bytes, ctx: ParseContext) -> str | None:
    """The file as text: UTF-8, with or without a byte-order mark; newlines made '\\n'.

    Any other encoding is a problem naming the line and column of the first byte that is not
    UTF-8 (None is returned and the caller stops).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        head = data[: exc.start]
        line = head.count(b"\n") + 1
        column = len(head[head.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        ctx.problem(
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02X} cannot start a character): "
            "save it as UTF-8 (in Excel 'CSV UTF-8', in LibreOffice choose the "
            "character set 'Unicode (UTF-8)')",
            line=line,
            column=column,
        )
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")
