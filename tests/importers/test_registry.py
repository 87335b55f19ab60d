"""quizzes/importers/__init__.py: formats are told from names and content; unknown ones are a
ParseError; skipping unsupported questions is the caller's choice."""

from __future__ import annotations

import pytest

from quizzes.importers import FORMATS, ParseError, detect_format, parse
from tests.importers.formats import fixture


@pytest.mark.parametrize(
    ("filename", "head", "expected"),
    [
        ("deck.apkg", b"", "apkg"),
        ("whole.colpkg", b"", "apkg"),
        ("noname", b"PK\x03\x04rest", "apkg"),
        ("quiz.xml", b"", "moodle_xml"),
        ("upload", b"\xef\xbb\xbf<?xml version='1.0'?><quiz>", "moodle_xml"),
        ("bank.json", b"", "native"),
        ("upload", b'  {"format": "kmodquiz-bank"', "native"),
        ("sheet.csv", b"", "csv"),
        ("questions.gift", b"", "gift"),
        ("questions.txt", b"Q?\nA) a\nB) b\nANSWER: A\n", "aiken"),
        ("questions.txt", b"::t::Q?{T}", "gift"),
        ("upload", b"// comment\n::t::Q?{T}", "gift"),
        ("upload", b"id;kind;prompt\n", "csv"),
    ],
)
def test_detect_format_from_name_and_content(filename, head, expected):
    assert detect_format(filename, head) == expected


def test_an_undetectable_file_and_an_unknown_format_are_parse_errors():
    with pytest.raises(ParseError, match="cannot tell the file's format"):
        detect_format("notes.bin", b"\x00\x01")
    with pytest.raises(ParseError, match="unknown format 'docx'"):
        parse(b"", format="docx")


def test_every_format_is_registered_and_parses_its_fixture():
    assert set(FORMATS) == {"native", "gift", "aiken", "moodle_xml", "csv", "apkg"}
    for name, fmt in [
        ("kernel.gift.txt", "gift"),
        ("kernel.aiken.txt", "aiken"),
        ("libreoffice.csv", "csv"),
        ("genanki.apkg", "apkg"),
    ]:
        assert detect_format(name, fixture(name)[:4096]) == fmt
        assert parse(fixture(name), format=fmt, filename=name).questions


def test_unsupported_questions_block_the_import_unless_skipped():
    with pytest.raises(ParseError) as info:
        parse(fixture("kernel.moodle.xml"), format="moodle_xml")
    assert [u.type for u in info.value.unsupported] == ["calculated"]
    bank = parse(fixture("kernel.moodle.xml"), format="moodle_xml", skip_unsupported=True)
    assert [u.type for u in bank.unsupported] == ["calculated"]
    assert "Formula" not in {q.external_id for q in bank.questions}
