"""Anki packages: .apkg (decks) and .colpkg (a whole collection), legacy and current.

The reader is our own (docs/formats.md#anki explains why): the zip is read with limits
(archive.py), the collection opened read-only with only its known tables readable
(collection.py), and each note mapped by the shape of its note type (notes.py).
"""

from __future__ import annotations

from quizzes.importers.anki.archive import ZSTD_MAGIC, ArchiveProblem, Package
from quizzes.importers.anki.collection import CollectionProblem, read_collection
from quizzes.importers.anki.notes import NoteReader
from quizzes.importers.base import ParsedBank, ParsedQuestion, ParseLimits
from quizzes.importers.common import ParseContext

# The newest first: a current package also holds a legacy stub asking to update Anki.
COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")


def read(data: bytes, *, filename: str, skip_unsupported: bool, limits: ParseLimits) -> ParsedBank:
    """Parse an Anki package; ParseError lists every problem (by note)."""
    ctx = ParseContext(limits=limits, filename=filename)
    try:
        package = Package(data, limits)
        name = next((n for n in COLLECTIONS if n in package.names), None)
        if name is None:
            ctx.problem("not an Anki package: no collection.anki2/anki21/anki21b inside")
            return ctx.finish([], skip_unsupported=skip_unsupported)
        database = package.read(name)
        if database.startswith(ZSTD_MAGIC):
            database = package.unzstd(database)
        collection = read_collection(database, max_notes=limits.max_questions)
    except (ArchiveProblem, CollectionProblem) as exc:
        ctx.problem(str(exc))
        return ctx.finish([], skip_unsupported=skip_unsupported)
    if collection.too_many:
        ctx.problem(f"the package has more than {limits.max_questions:,} notes")
    if media := package.media_count():
        ctx.notice(f"{media:,} media files (images, sounds) are not imported")
    reader = NoteReader(ctx)
    questions: list[ParsedQuestion] = []
    roots: set[str] = set()
    for note in collection.notes:
        notetype = collection.notetypes.get(note.notetype)
        if notetype is None:
            ctx.problem(f"note {note.guid[:40]!r} has an unknown note type")
            continue
        roots.add(note.deck[0] if note.deck else "")
        question = reader.question(note, notetype)
        if question is not None:
            questions.append(question)
    title = roots.pop() if len(roots) == 1 else ""
    return ctx.finish(questions, title=title, skip_unsupported=skip_unsupported)
