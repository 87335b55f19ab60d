"""The source convention: primary documents with section and version; the article only after."""

from __future__ import annotations

import pytest

from quizzes.bankcheck.sources import SourceRef, parse_source


def test_primary_sources_give_document_section_and_version():
    refs = parse_source(
        "modprobe(8) § OPTIONS --remove (kmod 34); kernel/module/version.c § same_magic() "
        "(Linux 6.12); Article § Troubleshooting"
    )
    assert refs == [
        SourceRef("modprobe(8)", "OPTIONS --remove", "kmod 34"),
        SourceRef("kernel/module/version.c", "same_magic()", "Linux 6.12"),
        SourceRef("Article", "Troubleshooting", ""),
    ]


@pytest.mark.parametrize(
    "source",
    [
        "modprobe(8)",  # no section, no version
        "modprobe(8) § OPTIONS",  # no version
        "Article § Troubleshooting",  # the article alone
        "Article § Troubleshooting; modprobe(8) § OPTIONS (kmod 34)",  # article first
        "kernel/module/main.c (Linux 6.12)",  # no section
        "modprobe(8) § OPTIONS (kmod)",  # no version number
        "modprobe(8) § OPTIONS (kmod 34);modinfo(8) § OPTIONS (kmod 34)",  # bad separator
    ],
)
def test_sources_that_break_the_convention_are_refused(source):
    assert parse_source(source) is None
