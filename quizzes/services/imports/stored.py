"""A parsed file kept beside its upload, so that neither the background task nor the
confirmation of a preview has to parse the file again (the digest of the plan still guards that
what is applied is what was previewed)."""

from __future__ import annotations

import json
from typing import Any

from quizzes.importers.base import (
    ImportProblem,
    ParsedBank,
    ParsedQuestion,
    ParsedTopic,
    Unsupported,
)


def parsed_dumps(parsed: ParsedBank) -> bytes:
    """The parsed bank as JSON bytes (ensure_ascii: any text, lone surrogates included)."""
    document = {
        "slug": parsed.slug,
        "title": parsed.title,
        "description": parsed.description,
        "version": parsed.version,
        "topics": [[t.slug, t.title, t.parent] for t in parsed.topics],
        "questions": [
            [
                q.external_id,
                q.kind,
                q.prompt,
                q.explanation,
                q.spec,
                q.difficulty,
                q.source,
                list(q.tags),
                list(q.topics),
                q.line,
                q.since,
            ]
            for q in parsed.questions
        ],
        "notices": [p.to_json() for p in parsed.notices],
        "unsupported": [u.to_json() for u in parsed.unsupported],
    }
    return json.dumps(document, separators=(",", ":")).encode()


def parsed_loads(data: bytes) -> ParsedBank:
    document: dict[str, Any] = json.loads(data)
    return ParsedBank(
        slug=document["slug"],
        title=document["title"],
        description=document["description"],
        version=document["version"],
        topics=[ParsedTopic(*t) for t in document["topics"]],
        questions=[
            ParsedQuestion(
                external_id=q[0],
                kind=q[1],
                prompt=q[2],
                explanation=q[3],
                spec=q[4],
                difficulty=q[5],
                source=q[6],
                tags=tuple(q[7]),
                topics=tuple(q[8]),
                line=q[9],
                since=q[10] if len(q) > 10 else "",
            )
            for q in document["questions"]
        ],
        notices=[ImportProblem(**p) for p in document["notices"]],
        unsupported=[Unsupported(**u) for u in document["unsupported"]],
    )
