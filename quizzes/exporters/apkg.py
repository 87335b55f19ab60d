"""Export to an Anki package (.apkg) with genanki (docs/formats.md#anki).

One note type per kind that maps to Anki: flashcards (front and back), typed answers (short
answers and shell commands, `{{type:Answer}}`), clozes (Anki's own cloze), and, for the kinds Anki
cannot grade (choices, true/false, ordering, matching), a question note showing the options on the
front and the right answer on the back, rated by the learner. Fields hold the rendered,
sanitised HTML; a hidden `kmodquiz` field keeps the question as authored, so that re-importing
the package gives it back exactly (or, when a note was edited in Anki, as its fields now read).

Model and deck ids are fixed and each note's guid is the question's external id, so importing a
newer export into Anki updates the same notes instead of adding copies.
"""

from __future__ import annotations

import html
import io
import itertools
import json
import sqlite3
import time
import warnings
import zipfile
from typing import Any

import genanki

from quizzes.exporters.base import ExportResult, SkipLog
from quizzes.exporters.gift import topic_titles
from quizzes.importers.anki.notes import META_FIELD, fields_digest, guid_for_external_id
from quizzes.importers.base import ParsedBank, ParsedQuestion, ParsedTopic
from quizzes.importers.common import digest
from quizzes.rendering import markdown_to_html

CONTENT_TYPE = "application/apkg"
CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: left; }
.explanation { margin-top: 1em; font-size: 16px; color: #444; }
.source { margin-top: .5em; font-size: 12px; color: #777; }
code, pre { font-family: monospace; }"""
_BACK_EXTRA = (
    "{{#Explanation}}<div class=explanation>{{Explanation}}</div>{{/Explanation}}"
    "{{#Source}}<div class=source>{{Source}}</div>{{/Source}}"
)


def _model(
    model_id: int, name: str, fields: list[str], qfmt: str, afmt: str, **kw: Any
) -> genanki.Model:
    return genanki.Model(
        model_id,
        name,
        fields=[{"name": f} for f in [*fields, "Explanation", "Source", META_FIELD]],
        templates=[{"name": "Card 1", "qfmt": qfmt, "afmt": afmt + _BACK_EXTRA}],
        css=CSS,
        **kw,
    )


FLASHCARD = _model(
    1738100001, "kmodquiz flashcard", ["Front", "Back"], "{{Front}}",
    "{{FrontSide}}<hr id=answer>{{Back}}",
)  # fmt: skip
TYPED = _model(
    1738100002, "kmodquiz typed answer", ["Front", "Answer"], "{{Front}}<br>{{type:Answer}}",
    "{{Front}}<hr id=answer>{{type:Answer}}",
)  # fmt: skip
CLOZE = _model(
    1738100003, "kmodquiz cloze", ["Text", "Lead-in"], "{{Lead-in}}{{cloze:Text}}",
    "{{Lead-in}}{{cloze:Text}}", model_type=genanki.Model.CLOZE,
)  # fmt: skip
QUESTION = _model(
    1738100004, "kmodquiz question", ["Front", "Back"], "{{Front}}",
    "{{FrontSide}}<hr id=answer>{{Back}}",
)  # fmt: skip


def _list(items: list[str], tag: str = "ul") -> str:
    return f"<{tag}>" + "".join(f"<li>{markdown_to_html(i)}</li>" for i in items) + f"</{tag}>"


def _visible(q: ParsedQuestion) -> tuple[genanki.Model, list[str]]:
    spec, prompt = q.spec, markdown_to_html(q.prompt)
    if q.kind == "flashcard":
        return FLASHCARD, [prompt, markdown_to_html(spec["back"])]
    if q.kind in ("short_answer", "shell_command"):
        return TYPED, [prompt, html.escape(spec["accepted"][0])]
    if q.kind == "cloze":
        return CLOZE, [markdown_to_html(spec["text"]), prompt]
    if q.kind in ("single_choice", "multiple_choice"):
        right = {spec["correct"]} if q.kind == "single_choice" else set(spec["correct"])
        options = [o["text"] for o in spec["options"]]
        answers = [o["text"] for o in spec["options"] if o["id"] in right]
        return QUESTION, [prompt + _list(options, "ol type=a"), _list(answers)]
    if q.kind == "true_false":
        return QUESTION, [prompt + "<p>True or false?</p>", "<p>" + str(spec["correct"]) + "</p>"]
    if q.kind == "ordering":
        texts = {i["id"]: i["text"] for i in spec["items"]}
        items = [i["text"] for i in sorted(spec["items"], key=lambda i: i["text"])]
        ordered = [texts[i] for i in spec["correct_order"]]
        return QUESTION, [prompt + "<p>Put in order:</p>" + _list(items), _list(ordered, "ol")]
    right_texts = {r["id"]: r["text"] for r in spec["right"]}
    lefts = [item["text"] for item in spec["left"]]
    pairs = [f"{item['text']} → {right_texts[spec['pairs'][item['id']]]}" for item in spec["left"]]
    choices = [r["text"] for r in spec["right"]]
    front = prompt + "<p>Match:</p>" + _list(lefts) + "<p>with:</p>" + _list(choices)
    return QUESTION, [front, _list(pairs)]


def _topic_tree(topics: list[ParsedTopic], slugs: tuple[str, ...]) -> list[list[Any]]:
    by_slug = {t.slug: t for t in topics}
    needed: dict[str, ParsedTopic] = {}
    for slug in slugs:
        while slug in by_slug and slug not in needed:
            needed[slug] = by_slug[slug]
            slug = by_slug[slug].parent or ""
    return [[t.slug, t.title, t.parent] for t in needed.values()]


def _note(parsed: ParsedBank, q: ParsedQuestion) -> genanki.Note:
    model, visible = _visible(q)
    visible += [markdown_to_html(q.explanation), html.escape(q.source)]
    meta = {
        "v": 1,
        "kind": q.kind,
        "prompt": q.prompt,
        "explanation": q.explanation,
        "spec": q.spec,
        "difficulty": q.difficulty,
        "source": q.source,
        "since": q.since,
        "tags": list(q.tags),
        "topics": list(q.topics),
        "topic_tree": _topic_tree(parsed.topics, q.topics),
        "digest": fields_digest(visible),
    }
    field = html.escape(json.dumps(meta, ensure_ascii=False, sort_keys=True), quote=False)
    return genanki.Note(
        model=model,
        fields=[*visible, field],
        tags=list(q.tags),
        guid=guid_for_external_id(q.external_id),
    )


def _deck_id(bank: str, topic: str) -> int:
    return (1 << 30) + int(digest(bank, topic, length=8), 16) % (1 << 30)


def export(parsed: ParsedBank) -> ExportResult:
    """The bank as an .apkg: a deck per primary topic under one named after the bank."""
    log = SkipLog()
    decks: dict[str, genanki.Deck] = {}
    for q in parsed.questions:
        slug = q.topics[0] if q.topics else ""
        if slug not in decks:
            path = "::".join(
                [
                    parsed.title.replace("::", ":"),
                    *(t.replace("::", ":") for t in topic_titles(parsed.topics, slug)),
                ]
            )
            decks[slug] = genanki.Deck(_deck_id(parsed.slug, slug), path)
        decks[slug].add_note(_note(parsed, q))
        if q.kind not in ("flashcard", "short_answer", "shell_command", "cloze"):
            log.add(
                q.external_id, "automatic grading of choices, order and pairs (Anki: self-rated)"
            )
    if not decks:
        decks[""] = genanki.Deck(_deck_id(parsed.slug, ""), parsed.title)
    # genanki's own write_to_file builds the collection in a file on disk (and syncs it);
    # the same tables built in memory and serialised are identical and many times faster.
    connection = sqlite3.connect(":memory:")
    with warnings.catch_warnings():
        # genanki warns about HTML it does not know; ours is sanitised by nh3 already.
        warnings.simplefilter("ignore")
        stamp = time.time()
        package = genanki.Package(list(decks.values()))
        package.write_to_db(connection.cursor(), stamp, itertools.count(int(stamp * 1000)))
    connection.commit()
    database = connection.serialize()
    connection.close()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("collection.anki2", database)
        archive.writestr("media", "{}")
    return ExportResult(out.getvalue(), f"{parsed.slug}.apkg", CONTENT_TYPE, log.entries())
