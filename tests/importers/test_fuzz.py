"""Every parser, fed generated input: the only exception that may escape is ParseError.

Inputs are small (so that 500 examples per parser stay fast) and built from each format's own
tokens, so that they reach deep into the parsers rather than failing at the first byte.
"""

from __future__ import annotations

import csv
import io
import zipfile
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.importers import ParseError, ParseLimits, parse
from tests.importers.formats import fixture

FUZZ = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LIMITS = ParseLimits(max_text_chars=500, max_depth=16, max_uncompressed_bytes=2_000_000)
WORDS = [
    "a",
    "lsmod",
    "x y",
    "1",
    "3.5",
    "-2",
    "é",
    "\x00",
    "\\",
    "<b>",
    "</b>",
    "&amp;",
    "&",
    "`",
    "*",
]
GIFT = WORDS + ["::", "{", "}", "~", "=", "#", "####", "->", "%50%", "%-100%", "%100%", "\n",
                "\n\n", "//", "$CATEGORY: a/b", "[html]", "[plain]", "[markdown]", "[moodle]", "T",
                "FALSE", "..", ":", "\\:", "\\{", "\\n", "_____", " "]  # fmt: skip
AIKEN = WORDS + [
    "A) ",
    "B) ",
    "C. ",
    "D) ",
    "ANSWER: ",
    "ANSWER: B",
    "\n",
    "\n\n",
    "True",
    "False",
    " ",
]
CLOZE = [
    "{1:SHORTANSWER:=a~=b}",
    "{:MC:=x~y}",
    "{2:NUMERICAL:=6:1}",
    "{1:MR:=a}",
    "{1:SA:%50%a}",
    "{:x:}",
]


def _accepts_only_parse_errors(data: bytes, fmt: str) -> None:
    try:
        parse(data, format=fmt, filename=f"fuzz.{fmt}", limits=LIMITS, skip_unsupported=True)
    except ParseError as exc:
        assert exc.problems


def _soup(tokens: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(tokens) | st.text(max_size=4), max_size=40).map("".join)


@FUZZ
@given(_soup(GIFT))
def test_gift(text):
    _accepts_only_parse_errors(text.encode("utf-8", "surrogatepass"), "gift")


@FUZZ
@given(_soup(AIKEN))
def test_aiken(text):
    _accepts_only_parse_errors(text.encode("utf-8", "surrogatepass"), "aiken")


_TYPES = ["multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "ordering",
          "cloze", "description", "category", "calculated", "", "ddwtos"]  # fmt: skip
_FORMATS = ["html", "markdown", "plain_text", "moodle_auto_format", "x"]
_text = _soup(WORDS + CLOZE + ["<p>", "</p>", "<img src='a'>", "\n"]).map(escape)
_answer = st.builds(
    lambda f, t, fmt: (
        f'<answer fraction="{f}" format="{fmt}"><text>{t}</text><tolerance>{f}</tolerance></answer>'
    ),
    st.sampled_from(["100", "0", "50", "-100", "33.3", "x", ""]),
    _text,
    st.sampled_from(_FORMATS),
)
_question = st.builds(
    lambda qtype, name, fmt, text, answers, extra: (
        f'<question type="{qtype}"><name><text>{name}</text></name>'
        f'<questiontext format="{fmt}"><text>{text}</text></questiontext>'
        f"<category><text>{name}</text></category>{''.join(answers)}{extra}</question>"
    ),
    st.sampled_from(_TYPES),
    _text,
    st.sampled_from(_FORMATS),
    _text,
    st.lists(_answer, max_size=5),
    st.sampled_from(
        [
            "",
            "<single>false</single>",
            "<usecase>1</usecase>",
            "<idnumber>i d</idnumber>",
            "<subquestion><text>l</text><answer><text>r</text></answer></subquestion>" * 3,
            "<tags><tag><text>T g</text></tag></tags>",
        ]
    ),  # fmt: skip
)


@FUZZ
@given(
    st.lists(_question, max_size=4).map(lambda qs: "<quiz>" + "".join(qs) + "</quiz>")
    | _soup(
        [
            "<quiz>",
            "</quiz>",
            "<question type='truefalse'>",
            "</question>",
            "<text>",
            "</text>",
            "<!DOCTYPE q>",
            "<!ENTITY a 'b'>",
            "&a;",
            "<![CDATA[",
            "]]>",
            *WORDS,
        ]  # fmt: skip
    )
)
def test_moodle_xml(document):
    _accepts_only_parse_errors(document.encode("utf-8", "surrogatepass"), "moodle_xml")


_COLUMNS = ["id", "kind", "prompt", "correct", "option_1", "option_2", "option_3", "accepted_1",
            "back", "text", "alternatives", "item_1", "item_2", "item_3", "left_1", "right_1",
            "distractor_1", "topics", "tags", "difficulty", "tolerance", "shuffle",
            "bogus"]  # fmt: skip
_CELLS = WORDS + ["single_choice", "multiple_choice", "true_false", "cloze", "matching", "ordering",
                  "flashcard", "short_answer", "shell_command", "1;2", "true", "=x", "'=x", "a/b",
                  "{{c1::x}}", "c1: y", "\n", "2", "9"]  # fmt: skip


@FUZZ
@given(
    st.lists(st.sampled_from(_COLUMNS), min_size=1, max_size=8, unique=True),
    st.lists(st.lists(st.sampled_from(_CELLS) | st.text(max_size=3), max_size=9), max_size=5),
    st.sampled_from([",", ";", "\t"]),
    st.booleans(),
)
def test_csv(header, rows, delimiter, bom):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8", "surrogatepass")
    _accepts_only_parse_errors((b"\xef\xbb\xbf" if bom else b"") + data, "csv")


PACKAGE = fixture("kernel.apkg")


def _mutated(data: bytes, flips: list[tuple[int, int]], cut: int | None) -> bytes:
    out = bytearray(data)
    for position, value in flips:
        out[position % len(out)] = value
    return bytes(out[:cut] if cut else out)


@FUZZ
@given(
    st.sampled_from([PACKAGE, fixture("genanki.apkg"), fixture("kernel-legacy.apkg")]),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=6),
    st.none() | st.integers(0, 70_000),
    st.dictionaries(
        st.sampled_from(["collection.anki2", "collection.anki21b", "media", "0", "../x", "a/b"]),
        st.binary(max_size=64),
        max_size=3,
    ),
)
def test_apkg(package, flips, cut, entries):
    _accepts_only_parse_errors(_mutated(package, flips, cut), "apkg")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    _accepts_only_parse_errors(out.getvalue(), "apkg")
