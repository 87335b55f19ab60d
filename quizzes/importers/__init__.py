"""Pure parsers: one per format, each turning a file's bytes into a ParsedBank (no ORM here).

    fmt = detect_format(filename, data[:4096])
    parsed = parse(data, format=fmt, filename=filename, skip_unsupported=False)

`parse` raises ParseError (and nothing else) listing every problem found; with
`skip_unsupported` questions kmodquiz cannot express are left out and listed in
`parsed.unsupported` instead of being problems. Things left out on purpose (a description, an
image, partial credit) are listed in `parsed.notices`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import import_module

from quizzes.importers.base import (
    ImportProblem,
    ParsedBank,
    ParsedQuestion,
    ParsedTopic,
    ParseError,
    ParseLimits,
    Unsupported,
)

# format name -> (module, human label, file extensions)
FORMATS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "native": ("quizzes.importers.native", "kmodquiz JSON", (".json",)),
    "gift": ("quizzes.importers.gift", "GIFT (Moodle)", (".gift", ".txt")),
    "aiken": ("quizzes.importers.aiken", "Aiken (Moodle)", (".txt", ".aiken")),
    "moodle_xml": ("quizzes.importers.moodle_xml", "Moodle XML", (".xml",)),
    "csv": ("quizzes.importers.csvfile", "CSV (spreadsheet)", (".csv", ".tsv")),
    "apkg": ("quizzes.importers.anki", "Anki package", (".apkg", ".colpkg")),
}

_AIKEN_ANSWER = re.compile(rb"^\s*ANSWER\s*:\s*[A-Za-z]\s*$", re.MULTILINE)
_AIKEN_OPTION = re.compile(rb"^\s*[A-Za-z][.)]\s+\S", re.MULTILINE)

__all__ = [
    "FORMATS",
    "ImportProblem",
    "ParseError",
    "ParseLimits",
    "ParsedBank",
    "ParsedQuestion",
    "ParsedTopic",
    "Unsupported",
    "detect_format",
    "parse",
]


def detect_format(filename: str, head: bytes) -> str:
    """Guess a file's format from its name and first bytes; ParseError when it cannot."""
    name = filename.lower()
    body = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if name.endswith((".apkg", ".colpkg")) or head.startswith(b"PK\x03\x04"):
        return "apkg"
    if name.endswith(".xml") or body.startswith((b"<?xml", b"<quiz")):
        return "moodle_xml"
    if name.endswith(".json") or body.startswith(b"{"):
        return "native"
    if name.endswith((".csv", ".tsv")):
        return "csv"
    if name.endswith(".gift"):
        return "gift"
    if _AIKEN_ANSWER.search(body) and _AIKEN_OPTION.search(body):
        return "aiken"
    if name.endswith(".txt") or b"{" in body or body.startswith((b"//", b"::", b"$CATEGORY")):
        return "gift"
    first_line = body.split(b"\n", 1)[0].lower()
    if b"kind" in first_line and (b"," in first_line or b";" in first_line):
        return "csv"
    raise ParseError(
        [
            ImportProblem(
                "cannot tell the file's format from its name or content: choose one of "
                + ", ".join(FORMATS)
            )
        ]
    )


def _reader(format: str) -> Callable[..., ParsedBank]:
    if format not in FORMATS:
        raise ParseError(
            [ImportProblem(f"unknown format {format!r}: choose one of {', '.join(FORMATS)}")]
        )
    module = import_module(FORMATS[format][0])
    if format == "native":
        return lambda data, *, limits, **_: module.parse(data, limits=limits)
    return module.read


def parse(
    data: bytes,
    *,
    format: str,
    filename: str = "",
    skip_unsupported: bool = False,
    limits: ParseLimits | None = None,
) -> ParsedBank:
    """Parse a file of the given format into a ParsedBank (ParseError lists every problem)."""
    return _reader(format)(
        data,
        filename=filename,
        skip_unsupported=skip_unsupported,
        limits=limits or ParseLimits(),
    )
