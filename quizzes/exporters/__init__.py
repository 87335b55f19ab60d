"""Exporters: pure functions from a ParsedBank to a file another tool (or we) can read.

    parsed = parsed_bank_from_db(bank)          # quizzes.exporters.source, four queries
    result = export(parsed, "gift")             # ExportResult(content, filename, ...)

`result.skipped` lists what the format could not represent (whole questions left out, or
fields dropped), grouped by reason.
"""

from __future__ import annotations

from importlib import import_module

from quizzes.exporters.base import ExportResult, Skipped
from quizzes.importers.base import ParsedBank

# format name -> (module, human label)
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "native": ("quizzes.exporters.native", "kmodquiz JSON"),
    "gift": ("quizzes.exporters.gift", "GIFT (Moodle)"),
    "aiken": ("quizzes.exporters.aiken", "Aiken (Moodle)"),
    "csv": ("quizzes.exporters.csvfile", "CSV (spreadsheet)"),
    "moodle_xml": ("quizzes.exporters.moodle_xml", "Moodle XML"),
    "apkg": ("quizzes.exporters.apkg", "Anki package (.apkg)"),
}

__all__ = ["EXPORT_FORMATS", "ExportResult", "Skipped", "export"]


def export(parsed: ParsedBank, format: str) -> ExportResult:
    """The bank as a file of `format` (ValueError for an unknown format)."""
    if format not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {format!r}: one of {', '.join(EXPORT_FORMATS)}")
    return import_module(EXPORT_FORMATS[format][0]).export(parsed)
