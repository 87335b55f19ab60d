"""Export a bank to the native kmodquiz-bank JSON format (docs/formats.md), losslessly.

What is exported re-imports as "unchanged": the same topics (parents before children), and every
active question with its fields as authored, topics in their original order (the first is the
primary one). Retired questions are left out: re-importing the file keeps them retired.
"""

from __future__ import annotations

import heapq
import json
from typing import Any

from quizzes.models import Bank, Question, Topic

FORMAT = "kmodquiz-bank"
FORMAT_VERSION = 1


def _topics_in_order(topics: list[Topic]) -> list[Topic]:
    """Parents before their children (the format requires it), otherwise in creation order,
    which for an imported bank is the file's order: a topic waits only until its parent is out,
    so child topics appended at the end of a file stay at the end."""
    children: dict[int | None, list[Topic]] = {}
    for topic in topics:
        children.setdefault(topic.parent_id, []).append(topic)
    ready = [(t.pk, t) for t in children.get(None, [])]
    heapq.heapify(ready)
    ordered: list[Topic] = []
    while ready:
        _, topic = heapq.heappop(ready)
        ordered.append(topic)
        for child in children.get(topic.pk, []):
            heapq.heappush(ready, (child.pk, child))
    return ordered


def bank_export(bank: Bank) -> dict[str, Any]:
    """The bank as a native-format document (a dict ready for json.dumps). Four queries."""
    topics = _topics_in_order(list(Topic.objects.filter(bank=bank)))
    slugs = {t.pk: t.slug for t in topics}
    through = Question.topics.through
    # The link rows keep the file's order (the importer writes them in it): the primary first.
    links: dict[int, list[str]] = {}
    for question_id, topic_id in (
        through.objects.filter(question__bank=bank, question__retired_at__isnull=True)
        .order_by("id")
        .values_list("question_id", "topic_id")
    ):
        links.setdefault(question_id, []).append(slugs[topic_id])
    questions = []
    for q in Question.objects.filter(bank=bank, retired_at__isnull=True).order_by("id"):
        item: dict[str, Any] = {
            "id": q.external_id,
            "kind": q.kind,
            "topics": links.get(q.pk, []),
            "difficulty": q.difficulty,
            "source": q.source,
            **({"since": q.since} if q.since else {}),
            "prompt": q.prompt,
            "explanation": q.explanation,
        }
        if q.tags:
            item["tags"] = list(q.tags)
        item["spec"] = q.spec
        questions.append(item)
    head: dict[str, Any] = {"slug": bank.slug, "title": bank.title}
    if bank.description:
        head["description"] = bank.description
    if bank.version:
        head["version"] = bank.version
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "bank": head,
        "topics": [
            {
                "slug": t.slug,
                "title": t.title,
                **({"parent": slugs[t.parent_id]} if t.parent_id else {}),
            }
            for t in topics
        ],
        "questions": questions,
    }


def bank_export_text(bank: Bank) -> str:
    """The export as the text of a file: UTF-8 JSON, one level of indent like the fixture."""
    return json.dumps(bank_export(bank), ensure_ascii=False, indent=1) + "\n"
