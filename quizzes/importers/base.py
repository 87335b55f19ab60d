"""The shape every importer produces, and the one error type they raise."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

# How much of an offending value a problem repeats: enough to find it, never a 3 MB value.
EXCERPT_CHARS = 80


def excerpt(value: Any, limit: int = EXCERPT_CHARS) -> str:
    """A short, single-line rendering of an offending value for an error message."""
    text = value if isinstance(value, str) else repr(value)
    text = text.replace("\x00", "\\0").replace("\r", " ").replace("\n", " ")
    if len(text) > limit:
        return f"{text[: limit - 1]}… ({len(text):,} characters)"
    return text


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with (or left out of) an input file: where, the text, and why.

    `line` and `column` are 1-based positions in the file (for an archive, in the file the
    question came from, or None); `path` names the field (`questions[3].spec.correct`,
    `column 'option_2'`, `<answer fraction>`); `text` is an excerpt of the offending value.
    """

    message: str
    line: int | None = None
    path: str = ""
    column: int | None = None
    text: str = ""

    def __post_init__(self) -> None:
        if len(self.text) > EXCERPT_CHARS + 40:  # an excerpt already carries its full length
            object.__setattr__(self, "text", excerpt(self.text))

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}" + (f", column {self.column}" if self.column else ""))
        if self.path:
            where.append(self.path)
        shown = f"{self.message} ({self.text!r})" if self.text else self.message
        return f"{', '.join(where)}: {shown}" if where else shown

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "text": self.text,
            "message": self.message,
        }


@dataclass(frozen=True)
class Unsupported:
    """A question of a kind the file's format has but kmodquiz cannot express."""

    type: str  # the format's own name for it: "calculated", "numerical", "Image Occlusion"
    title: str  # its name in the file, or the start of its text
    line: int | None = None
    reason: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        why = f": {self.reason}" if self.reason else ""
        return f"{where}{self.type} question {excerpt(self.title, 60)!r} is not supported{why}"

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "type": self.type, "title": self.title, "reason": self.reason}

    def as_problem(self) -> ImportProblem:
        return ImportProblem(
            f"{self.type} questions are not supported"
            + (f" ({self.reason})" if self.reason else "")
            + "; import with 'skip unsupported' to leave them out",
            line=self.line,
            text=excerpt(self.title, 60),
        )


class ParseError(ValueError):
    """An input file could not be imported; `problems` lists every reason found.

    `unsupported` repeats the questions that are only unsupported (not wrong), so a front end
    can offer to import the file without them.
    """

    def __init__(
        self, problems: list[ImportProblem], unsupported: list[Unsupported] | None = None
    ) -> None:
        self.problems = problems
        self.unsupported = list(unsupported or [])
        super().__init__("; ".join(str(p) for p in problems[:5]))


@dataclass(frozen=True)
class ParseLimits:
    """Bounds a parser enforces on hostile input (every one gives an ImportProblem)."""

    max_uncompressed_bytes: int = 256 * 1024 * 1024  # what an archive may unpack to, in total
    max_archive_entries: int = 20_000
    max_questions: int = 50_000
    max_depth: int = 64  # XML and HTML nesting
    max_text_chars: int = 100_000  # one prompt, explanation, option or answer
    max_problems: int = 1_000  # past this, one more problem says how many were left out


@dataclass(frozen=True)
class ParsedTopic:
    slug: str
    title: str
    parent: str | None = None


@dataclass(frozen=True)
class ParsedQuestion:
    external_id: str
    kind: str
    prompt: str
    explanation: str
    spec: dict[str, Any]
    difficulty: int = 2
    source: str = ""
    since: str = ""
    tags: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    line: int | None = None

    def content_hash(self) -> str:
        """A digest of everything that defines the question, to tell updated from unchanged."""
        payload = {
            "kind": self.kind,
            "prompt": self.prompt,
            "explanation": self.explanation,
            "spec": self.spec,
            "difficulty": self.difficulty,
            "source": self.source,
            "tags": list(self.tags),
            "topics": sorted(self.topics),
        }
        if self.since:  # only when set, so that questions without it keep their digest
            payload["since"] = self.since
        encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()


@dataclass
class ParsedBank:
    slug: str
    title: str
    description: str = ""
    version: str = ""
    topics: list[ParsedTopic] = field(default_factory=list)
    questions: list[ParsedQuestion] = field(default_factory=list)
    # Things left out on purpose (a description, an image, partial credit), said once each.
    notices: list[ImportProblem] = field(default_factory=list)
    # Questions kmodquiz cannot express, left out of `questions` (skip_unsupported=True).
    unsupported: list[Unsupported] = field(default_factory=list)
