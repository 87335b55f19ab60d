"""The shape every importer produces, and the one error type they raise."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an input file: where (line and/or field path) and why."""

    message: str
    line: int | None = None
    path: str = ""

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.path:
            where.append(self.path)
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "path": self.path, "message": self.message}


class ParseError(ValueError):
    """An input file could not be imported; `problems` lists every reason found."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]))


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
