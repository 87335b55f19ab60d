"""An Anki collection (SQLite) read defensively: notetypes, decks and notes, nothing else.

The database comes from the uploaded file, so it is written to a private temporary folder
(removed afterwards, whatever happens), opened read-only and immutable, with `trusted_schema`
off and an authorizer that allows only reading the known tables: no SQL of the file's own
(views, triggers, defaults) can run. Legacy collections (`collection.anki2`, `.anki21`) keep
notetypes and decks as JSON in `col`; the current one (`.anki21b`, schema 18) in tables, with
protobuf `config` blobs of which two fields are read (a notetype's kind, a template's formats).
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KNOWN_TABLES = frozenset(
    {
        "col",
        "notes",
        "cards",
        "notetypes",
        "fields",
        "templates",
        "decks",
        "sqlite_master",
        "sqlite_schema",
    }
)
_PROGRESS_LIMIT = 200_000  # progress callbacks (each 1,000 VM steps): 2e8 steps at most


class CollectionProblem(ValueError):
    """The collection cannot be read; the message says why."""


@dataclass
class NoteType:
    id: int
    name: str
    cloze: bool
    fields: list[str] = field(default_factory=list)
    templates: list[tuple[str, str]] = field(default_factory=list)  # (question, answer) formats


@dataclass
class Note:
    id: int
    guid: str
    notetype: int
    tags: list[str]
    fields: list[str]
    deck: list[str]  # the deck path of its first card: ["Kernel", "Modules"]


@dataclass
class Collection:
    notetypes: dict[int, NoteType]
    notes: list[Note]
    too_many: bool = False


def _authorizer(action: int, arg1: str | None, arg2: str | None, db: str | None, _: Any) -> int:
    if action == sqlite3.SQLITE_SELECT:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_READ and arg1 in KNOWN_TABLES and db == "main":
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _varint(blob: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(blob) or shift > 63:
            raise CollectionProblem("a malformed protobuf value in the collection")
        byte = blob[at]
        value |= (byte & 0x7F) << shift
        at, shift = at + 1, shift + 7
        if not byte & 0x80:
            return value, at


def proto_fields(blob: bytes) -> dict[int, list[Any]]:
    """The top-level fields of a protobuf message: number -> values (ints or bytes)."""
    found: dict[int, list[Any]] = {}
    at = 0
    while at < len(blob):
        key, at = _varint(blob, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = _varint(blob, at)
        elif wire == 2:
            size, at = _varint(blob, at)
            value, at = blob[at : at + size], at + size
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            value, at = blob[at : at + size], at + size
        else:
            raise CollectionProblem("a malformed protobuf value in the collection")
        found.setdefault(number, []).append(value)
    return found


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value or "")


def read_collection(database: bytes, *, max_notes: int) -> Collection:
    """Notetypes and notes (with their decks) of a collection given as SQLite bytes."""
    with tempfile.TemporaryDirectory(prefix="kmodquiz-anki-") as folder:
        path = Path(folder) / "collection.sqlite"
        path.write_bytes(database)
        try:
            connection = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
        except sqlite3.Error as exc:
            raise CollectionProblem(f"the collection cannot be opened ({exc})") from exc
        try:
            connection.execute("PRAGMA trusted_schema = OFF")
            connection.execute("PRAGMA query_only = ON")
            steps = 0

            def progress() -> int:
                nonlocal steps
                steps += 1
                return 1 if steps > _PROGRESS_LIMIT else 0

            connection.set_progress_handler(progress, 1000)
            connection.set_authorizer(_authorizer)
            return _read(connection, max_notes)
        except sqlite3.Error as exc:
            raise CollectionProblem(f"the collection cannot be read ({exc})") from exc
        finally:
            connection.close()


def _read(connection: sqlite3.Connection, max_notes: int) -> Collection:
    kinds = dict(connection.execute("SELECT name, type FROM sqlite_master").fetchall())
    for table in ("col", "notes", "cards"):
        if kinds.get(table) != "table":
            raise CollectionProblem(f"not an Anki collection: no table {table!r}")
    if kinds.get("notetypes") == "table":
        notetypes, decks = _modern_types(connection)
    else:
        notetypes, decks = _legacy_types(connection)
    first_card: dict[int, tuple[int, int]] = {}
    for nid, did, ordinal in connection.execute("SELECT nid, did, ord FROM cards"):
        if nid not in first_card or ordinal < first_card[nid][1]:
            first_card[nid] = (did, ordinal)
    notes: list[Note] = []
    too_many = False
    cursor = connection.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id")
    for nid, guid, mid, tags, flds in cursor:
        if len(notes) >= max_notes:
            too_many = True
            break
        deck = decks.get(first_card.get(nid, (0, 0))[0], [])
        notes.append(
            Note(nid, _text(guid), mid, _text(tags).split(), _text(flds).split("\x1f"), deck)
        )
    return Collection(notetypes, notes, too_many)


def _modern_types(
    connection: sqlite3.Connection,
) -> tuple[dict[int, NoteType], dict[int, list[str]]]:
    notetypes: dict[int, NoteType] = {}
    for ntid, name, config in connection.execute("SELECT id, name, config FROM notetypes"):
        kind = proto_fields(config or b"").get(1, [0])[0]
        notetypes[ntid] = NoteType(ntid, _text(name), kind == 1)
    for ntid, _ordinal, name in connection.execute(
        "SELECT ntid, ord, name FROM fields ORDER BY ntid, ord"
    ):
        if ntid in notetypes:
            notetypes[ntid].fields.append(_text(name))
    for ntid, _ordinal, config in connection.execute(
        "SELECT ntid, ord, config FROM templates ORDER BY ntid, ord"
    ):
        if ntid in notetypes:
            parts = proto_fields(config or b"")
            question = _text(parts.get(1, [b""])[0])
            answer = _text(parts.get(2, [b""])[0])
            notetypes[ntid].templates.append((question, answer))
    decks = {
        did: [p for p in _text(name).split("\x1f") if p]
        for did, name in connection.execute("SELECT id, name FROM decks")
    }
    return notetypes, decks


def _legacy_types(
    connection: sqlite3.Connection,
) -> tuple[dict[int, NoteType], dict[int, list[str]]]:
    row = connection.execute("SELECT models, decks FROM col").fetchone()
    if row is None:
        raise CollectionProblem("not an Anki collection: the table 'col' is empty")
    try:
        models, deck_data = json.loads(_text(row[0]) or "{}"), json.loads(_text(row[1]) or "{}")
    except (ValueError, RecursionError) as exc:
        raise CollectionProblem("the collection's note types are not valid JSON") from exc
    if not isinstance(models, dict) or not isinstance(deck_data, dict):
        raise CollectionProblem("the collection's note types are not valid JSON")
    notetypes: dict[int, NoteType] = {}
    for key, model in models.items():
        if not isinstance(model, dict):
            continue
        try:
            ntid = int(model.get("id", key))
            fields = sorted(model.get("flds") or [], key=lambda f: int(f.get("ord", 0)))
            templates = sorted(model.get("tmpls") or [], key=lambda t: int(t.get("ord", 0)))
            notetypes[ntid] = NoteType(
                ntid,
                str(model.get("name", "")),
                int(model.get("type", 0)) == 1,
                [str(f.get("name", "")) for f in fields],
                [(str(t.get("qfmt", "")), str(t.get("afmt", ""))) for t in templates],
            )
        except (TypeError, ValueError, AttributeError) as exc:
            raise CollectionProblem(f"a malformed note type in the collection ({exc})") from exc
    decks: dict[int, list[str]] = {}
    for key, deck in deck_data.items():
        if isinstance(deck, dict) and str(key).lstrip("-").isdigit():
            decks[int(key)] = [p for p in str(deck.get("name", "")).split("::") if p]
    return notetypes, decks
