"""What each exporter writes, and what it lists as left out or dropped."""

from __future__ import annotations

import io
import sqlite3
import tempfile
import zipfile
from pathlib import Path

from quizzes.exporters import export
from quizzes.exporters.apkg import CLOZE, FLASHCARD, QUESTION, TYPED
from quizzes.importers import parse
from quizzes.importers.base import ParsedBank, ParsedQuestion, ParsedTopic
from tests.factories import KINDS, spec_for


def _bank(**extra) -> ParsedBank:
    questions = [
        ParsedQuestion(
            f"q-{kind}",
            kind,
            f"Prompt of {kind}?",
            "Because.",
            spec_for(kind, 1),
            topics=("t",),
            **extra,
        )  # fmt: skip
        for kind in KINDS
    ]
    return ParsedBank(
        slug="demo", title="Demo", topics=[ParsedTopic("t", "T")], questions=questions
    )


def _left_out(result) -> set[str]:
    return {i for s in result.skipped if s.left_out for i in s.external_ids}


def test_gift_leaves_out_cloze_and_ordering_and_says_what_it_drops():
    result = export(_bank(source="modprobe(8)", difficulty=3), "gift")
    assert _left_out(result) == {"q-cloze", "q-ordering"}
    reasons = " | ".join(str(s) for s in result.skipped)
    assert "source" in reasons and "difficulty" in reasons and "shell command grading" in reasons
    text = result.content.decode()
    assert "$CATEGORY: $course$/top/T" in text
    assert "::q-true_false::[markdown]Prompt of true_false?{TRUE####Because.}" in text
    assert "~%50%option a of 1 ~%-50%option b of 1" in text


def test_aiken_keeps_single_choice_and_true_false_only():
    result = export(_bank(), "aiken")
    assert _left_out(result) == {f"q-{k}" for k in KINDS} - {"q-single_choice", "q-true_false"}
    assert result.content.decode().splitlines()[:6] == [
        "Prompt of single_choice?", "A) option a of 1", "B) option b of 1", "C) option c of 1",
        "D) option d of 1", "ANSWER: A",
    ]  # fmt: skip


def test_moodle_xml_writes_every_kind_but_shell_commands_as_short_answers():
    result = export(_bank(), "moodle_xml")
    assert _left_out(result) == set()
    back = parse(result.content, format="moodle_xml")
    kinds = {q.external_id: q.kind for q in back.questions}
    assert kinds["q-shell_command"] == "short_answer" and kinds["q-cloze"] == "cloze"
    assert b"<idnumber>kmodquiz:t</idnumber>" in result.content
    assert b'<questiontext format="markdown">' in result.content


def test_csv_guards_cells_a_spreadsheet_would_run_as_formulas():
    bank = _bank()
    bank.questions[0] = ParsedQuestion(
        "f", "flashcard", '=HYPERLINK("x")', "", {"back": "-1"}, topics=("t",)
    )
    result = export(bank, "csv")
    assert result.content.startswith(b"\xef\xbb\xbf")
    assert b"'=HYPERLINK" in result.content and b",'-1," in result.content
    back = parse(result.content, format="csv")
    assert (back.questions[0].prompt, back.questions[0].spec) == ('=HYPERLINK("x")', {"back": "-1"})


def _notes(content: bytes) -> sqlite3.Connection:
    folder = tempfile.mkdtemp()
    path = Path(folder) / "c.db"
    path.write_bytes(zipfile.ZipFile(io.BytesIO(content)).read("collection.anki2"))
    return sqlite3.connect(path)


def test_apkg_has_a_note_type_per_kind_and_stable_guids_and_ids():
    first, second = export(_bank(), "apkg"), export(_bank(), "apkg")
    notes = _notes(first.content)
    guids = {guid: mid for guid, mid in notes.execute("SELECT guid, mid FROM notes")}
    assert guids["q-flashcard"] == FLASHCARD.model_id and guids["q-cloze"] == CLOZE.model_id
    assert guids["q-shell_command"] == TYPED.model_id and guids["q-matching"] == QUESTION.model_id
    again = {
        guid: mid for guid, mid in _notes(second.content).execute("SELECT guid, mid FROM notes")
    }
    assert again == guids  # a newer export updates the same notes and note types in Anki
    decks = notes.execute("SELECT decks FROM col").fetchone()[0]
    assert '"Demo::T"' in decks


def test_apkg_note_edited_in_anki_is_read_from_its_fields():
    result = export(_bank(), "apkg")
    notes = _notes(result.content)
    fields = (
        notes.execute("SELECT flds FROM notes WHERE guid = 'q-flashcard'")
        .fetchone()[0]
        .split("\x1f")
    )
    fields[1] = "<p>An <b>edited</b> back</p>"
    notes.execute("UPDATE notes SET flds = ? WHERE guid = 'q-flashcard'", ("\x1f".join(fields),))
    notes.commit()
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("collection.anki2", notes.execute("SELECT 1").connection.serialize())
    notes.close()
    back = {q.external_id: q for q in parse(data.getvalue(), format="apkg").questions}
    assert back["q-flashcard"].spec == {"back": "An **edited** back"}
    assert back["q-flashcard"].explanation == "Because."
    assert back["q-single_choice"].spec == spec_for("single_choice", 1)  # untouched: exact
