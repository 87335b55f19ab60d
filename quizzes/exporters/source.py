"""Read a bank from the database as a ParsedBank, the shape every exporter takes."""

from __future__ import annotations

import heapq

from quizzes.importers.base import ParsedBank, ParsedQuestion, ParsedTopic
from quizzes.models import Bank, Question, Topic


def _topics_in_order(topics: list[Topic]) -> list[Topic]:
    """Parents before their children (the formats require it), otherwise in creation order,
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


def parsed_bank_from_db(bank: Bank) -> ParsedBank:
    """The bank's topics and active questions as authored, in three queries whatever its size.

    Retired questions are left out (re-importing an export keeps them retired). Each question's
    topics keep their original order (the first is the primary one): the link rows are written
    in the file's order by the importer.
    """
    topics = _topics_in_order(list(Topic.objects.filter(bank=bank)))
    slugs = {t.pk: t.slug for t in topics}
    through = Question.topics.through
    links: dict[int, list[str]] = {}
    for question_id, topic_id in (
        through.objects.filter(question__bank=bank, question__retired_at__isnull=True)
        .order_by("id")
        .values_list("question_id", "topic_id")
    ):
        links.setdefault(question_id, []).append(slugs[topic_id])
    questions = [
        ParsedQuestion(
            external_id=q.external_id,
            kind=q.kind,
            prompt=q.prompt,
            explanation=q.explanation,
            spec=q.spec,
            difficulty=q.difficulty,
            source=q.source,
            since=q.since,
            tags=tuple(q.tags or ()),
            topics=tuple(links.get(q.pk, [])),
        )
        for q in Question.objects.filter(bank=bank, retired_at__isnull=True).order_by("id")
    ]
    return ParsedBank(
        slug=bank.slug,
        title=bank.title,
        description=bank.description,
        version=bank.version,
        topics=[
            ParsedTopic(t.slug, t.title, slugs[t.parent_id] if t.parent_id else None)
            for t in topics
        ],
        questions=questions,
    )
