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


def test_tools_beyond_kmod_and_files_at_the_root_of_their_tree_are_primary_sources():
    refs = parse_source(
        "dkms(8) § ACTIONS status (DKMS 3.2.2); dkms.in § do_status() (DKMS 3.2.2); "
        "NEWS § kmod 31 (kmod 34); xz(1) § -C, --check (XZ Utils 5.4); "
        "trace-cmd-record(1) § -e (trace-cmd 3.1); lspci(8) § -k (pciutils 3.9); "
        "sysctl(8) § DESCRIPTION (procps-ng 4.0); zstd(1) § --rm (zstd 1.5)"
    )
    assert refs is not None
    assert [r.document for r in refs] == [
        "dkms(8)",
        "dkms.in",
        "NEWS",
        "xz(1)",
        "trace-cmd-record(1)",
        "lspci(8)",
        "sysctl(8)",
        "zstd(1)",
    ]
    assert refs[3].version == "XZ Utils 5.4"


@pytest.mark.parametrize(
    "source",
    [
        "modprobe(8)",  # no section, no version
        "modprobe(8) § OPTIONS",  # no version
        "Article § Troubleshooting",  # the article alone
        "Article § Troubleshooting; modprobe(8) § OPTIONS (kmod 34)",  # article first
        "kernel/module/main.c (Linux 6.12)",  # no section
        "modprobe(8) § OPTIONS (kmod)",  # no version number
        "dkms.in § do_status() (dkms 3.2.2)",  # unknown project spelling
        "kmod NEWS § kmod 31 (kmod 34)",  # a document with a space
        "modprobe(8) § OPTIONS (kmod 34);modinfo(8) § OPTIONS (kmod 34)",  # bad separator
    ],
)
def test_sources_that_break_the_convention_are_refused(source):
    assert parse_source(source) is None
