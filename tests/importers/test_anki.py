"""The Anki package reader: packages written by Anki itself (current, legacy, whole collection)
and by genanki; hostile archives and collections refused without running anything of theirs."""

from __future__ import annotations

import io
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest
import zstandard

from quizzes.importers.anki.collection import proto_fields
from quizzes.importers.anki.notes import external_id_for_guid, guid_for_external_id
from tests.importers.formats import ParseLimits, fixture, parsed, problems


@pytest.mark.parametrize("name", ["kernel.apkg", "kernel-legacy.apkg", "kernel.colpkg"])
def test_packages_made_by_anki_map_every_stock_note_type(name):
    bank = parsed(fixture(name), "apkg", skip_unsupported=True)
    basic, reversed_, typed, cloze = bank.questions
    assert bank.title == "Kernel modules"
    assert (basic.kind, basic.prompt) == ("flashcard", "What does **lsmod** show?")
    assert basic.spec == {"back": "The loaded modules, from `/proc/modules`."}
    assert basic.topics == ("kernel-modules/commands", "basics", "lsmod")  # deck, then tags
    assert reversed_.kind == "flashcard" and reversed_.spec["back"].startswith("Object code")
    assert (typed.kind, typed.prompt, typed.spec) == (
        "short_answer", "Which file lists module dependencies?", {"accepted": ["modules.dep"]},
    )  # fmt: skip
    assert cloze.spec == {"text": "{{c1::modprobe}} reads {{c2::modules.dep::a file}}"}
    assert cloze.explanation == "Written by *depmod*."
    assert cloze.topics == ("kernel-modules/concepts", "kernel/build")
    assert all(q.external_id.startswith("anki:") for q in bank.questions)
    messages = " ".join(n.message for n in bank.notices)
    assert "2 media files" in messages and "reversed card" in messages and "sound" in messages
    assert [u.type for u in bank.unsupported] == ["Image Occlusion"]


def test_image_occlusion_is_unsupported_unless_skipped():
    found = problems(fixture("kernel.apkg"), "apkg")
    assert len(found) == 1 and "Image Occlusion" in found[0].message


def test_the_oldest_format_written_by_genanki():
    bank = parsed(fixture("genanki.apkg"), "apkg")
    assert [(q.external_id, q.spec["back"]) for q in bank.questions] == [
        ("gen-lsmod", "lsmod"), ("gen-rmmod", "rmmod"),
    ]  # fmt: skip
    assert bank.questions[0].topics == ("generated/modules", "gen")


@pytest.mark.parametrize("guid", ["O.!%wE5Tjg", "k<<t;fh[{7", "anki:616263", "plain-id_1"])
def test_guids_and_external_ids_map_both_ways(guid):
    external_id = external_id_for_guid(guid)
    assert guid_for_external_id(external_id) == guid
    assert len(external_id) <= 100


def test_protobuf_fields_of_a_notetype_config():
    assert proto_fields(bytes.fromhex("0801120568656c6c6f")) == {1: [1], 2: [b"hello"]}


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "name", ["../collection.anki2", "/etc/collection.anki2", "a/../../x", "C:\\x"]
)
def test_entries_leaving_the_archive_are_refused(name):
    (found,) = problems(_zip({name: b"x", "collection.anki2": b"x"}), "apkg")
    assert "leaves the archive" in found.message


def test_entry_count_and_unpacked_size_are_capped():
    many = _zip({str(i): b"" for i in range(30)})
    limits = ParseLimits(max_archive_entries=20)
    assert "30 entries" in problems(many, "apkg", limits=limits)[0].message
    bomb = _zip({"collection.anki2": b"\0" * 5_000_000})
    assert len(bomb) < 10_000
    limits = ParseLimits(max_uncompressed_bytes=1_000_000)
    assert (
        "unpacks to more than 1,000,000 bytes" in problems(bomb, "apkg", limits=limits)[0].message
    )


def test_a_zip_header_that_lies_about_the_size_does_not_get_past_the_cap():
    data = bytearray(_zip({"collection.anki2": b"\0" * 3_000_000}))
    # Declare 100 bytes (local header and central directory): what is counted is what is read.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        data[at + offset : at + offset + 4] = (100).to_bytes(4, "little")
    found = problems(bytes(data), "apkg", limits=ParseLimits(max_uncompressed_bytes=1_000_000))
    assert "cannot be read" in found[0].message or "unpacks to more" in found[0].message


def test_a_zstd_collection_is_capped_by_the_bytes_it_produces():
    # Written without a content size, as a stream is: only decompressing tells how big it is.
    frame = zstandard.ZstdCompressor(write_content_size=False).compress(b"\0" * 3_000_000)
    data = _zip({"collection.anki21b": frame})
    found = problems(data, "apkg", limits=ParseLimits(max_uncompressed_bytes=1_000_000))
    assert "unpacks to more than" in found[0].message


def _collection(build) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "c.db"
        connection = sqlite3.connect(path)
        build(connection)
        connection.commit()
        connection.close()
        return path.read_bytes()


def _legacy_tables(connection: sqlite3.Connection) -> None:
    connection.execute("CREATE TABLE col (id integer, models text, decks text)")
    connection.execute("CREATE TABLE cards (id integer, nid integer, did integer, ord integer)")
    connection.execute(
        "INSERT INTO col VALUES (1, ?, ?)",
        (
            '{"1": {"id": 1, "name": "Basic", "type": 0, "flds": [{"name": "Front", "ord": 0},'
            ' {"name": "Back", "ord": 1}], "tmpls": [{"ord": 0, "qfmt": "{{Front}}",'
            ' "afmt": "{{FrontSide}}<hr>{{Back}}"}]}}',
            '{"1": {"name": "Deck"}}',
        ),
    )


def test_a_view_posing_as_a_table_is_refused_and_never_run():
    def build(connection: sqlite3.Connection) -> None:
        _legacy_tables(connection)
        connection.execute("CREATE TABLE real_notes (id, guid, mid, tags, flds)")
        connection.execute("CREATE VIEW notes AS SELECT * FROM real_notes")

    (found,) = problems(_zip({"collection.anki2": _collection(build)}), "apkg")
    assert "no table 'notes'" in found.message


def test_only_known_tables_are_read_and_the_temporary_folder_is_removed(monkeypatch):
    made: list[str] = []
    real = tempfile.TemporaryDirectory

    def recording(*args, **kwargs):
        folder = real(*args, **kwargs)
        if "kmodquiz-anki-" in folder.name:
            made.append(folder.name)
        return folder

    monkeypatch.setattr(tempfile, "TemporaryDirectory", recording)

    def build(connection: sqlite3.Connection) -> None:
        _legacy_tables(connection)
        connection.execute("CREATE TABLE notes (id, guid, mid, tags, flds)")
        connection.execute("INSERT INTO notes VALUES (1, 'g1', 1, '', 'Q\x1fA')")
        connection.execute("CREATE TABLE secrets (x)")
        connection.execute("CREATE TRIGGER t AFTER INSERT ON notes BEGIN DELETE FROM secrets; END")

    bank = parsed(_zip({"collection.anki2": _collection(build)}), "apkg")
    assert [(q.external_id, q.prompt, q.spec) for q in bank.questions] == [
        ("g1", "Q", {"back": "A"})
    ]
    assert len(made) == 1 and not Path(made[0]).exists()
    problems(_zip({"collection.anki2": b"not a database at all"}), "apkg")
    assert len(made) == 2 and not Path(made[1]).exists()


def test_more_notes_than_the_limit_is_a_problem():
    def build(connection: sqlite3.Connection) -> None:
        _legacy_tables(connection)
        connection.execute("CREATE TABLE notes (id, guid, mid, tags, flds)")
        connection.executemany(
            "INSERT INTO notes VALUES (?, ?, 1, '', 'Q\x1fA')", [(i, f"g{i}") for i in range(5)]
        )

    found = problems(
        _zip({"collection.anki2": _collection(build)}), "apkg", limits=ParseLimits(max_questions=3)
    )
    assert "more than 3 notes" in found[0].message


def test_not_a_package_at_all():
    assert "not a readable zip" in problems(b"hello", "apkg")[0].message
    assert "no collection" in problems(_zip({"readme": b"x"}), "apkg")[0].message
