"""The message catalogue: printf formats become regexes, lines find their entry, errors their
errno."""

from __future__ import annotations

import re

import pytest

from quizzes.bankcheck.logs import LogLine
from quizzes.bankcheck.messages import Catalogue, ErrorText, MessageFormat, format_regex


@pytest.mark.parametrize(
    ("fmt", "text", "matches"),
    [
        ("%s: Unknown symbol %s (err %d)", "foo: Unknown symbol bar (err -2)", True),
        ("%s: Unknown symbol %s (err %d)", "foo: Unknown symbol bar (err two)", False),
        ("%5lu.%06lu", "   12.000345", True),
        ("addr %#lx", "addr 0xffffc0a2", True),
        ("addr %#lx", "addr ffffc0a2", False),
        ("RIP: %pS", "RIP: mydrv_read+0x1c/0x60 [mydrv]", True),
        ("100%% done: %c", "100% done: y", True),
        ("could not remove '%s': %m", "could not remove 'x': Device or resource busy", True),
        ("Lockdown: %s: %s is restricted", "Lockdown: insmod: x is restricted; more", False),
    ],
)
def test_a_format_becomes_a_regex_of_what_it_can_print(fmt, text, matches):
    assert bool(re.fullmatch(format_regex(fmt), text)) is matches


def entry(**fields) -> MessageFormat:
    base = {
        "id": "kernel.x",
        "origin": "kernel",
        "format": "%s: disagrees about version of symbol %s",
        "regex": r"(?P<module>\w+): disagrees about version of symbol (?P<symbol>\S+)",
        "source_file": "kernel/module/version.c",
        "source_function": "check_version",
        "version": "Linux 6.12",
        "example": "m: disagrees about version of symbol x",
    }
    return MessageFormat(**{**base, **fields})


def kernel(text: str) -> LogLine:
    return LogLine("kernel", "kernel", text, text)


def test_the_first_entry_that_prints_a_line_wins_so_narrow_entries_go_first():
    layout = entry(
        id="layout", regex=r"\w+: disagrees about version of symbol module_layout", errno="ENOEXEC"
    )
    general = entry(id="general", errno="EINVAL")
    catalogue = Catalogue(messages=[layout, general])
    assert (
        catalogue.match(kernel("m: disagrees about version of symbol module_layout"))[0] is layout
    )
    assert (
        catalogue.match(kernel("m: disagrees about version of symbol usb_register"))[0] is general
    )
    assert catalogue.match(kernel("m: agrees about version of symbol usb_register")) is None


def test_a_regex_cannot_accept_what_the_format_cannot_print():
    loose = entry(regex=r".*")
    assert loose.match("m: disagrees about version of symbol x") is not None
    assert loose.match("anything at all") is None


def test_kmod_entries_match_behind_the_tools_prefix_and_only_for_that_tool():
    rmmod = entry(
        id="rmmod.in-use",
        origin="kmod",
        tool="rmmod",
        level="ERROR",
        format="Module %s is in use",
        regex=r"Module (?P<module>\S+) is in use",
    )
    catalogue = Catalogue(messages=[rmmod])
    line = "rmmod: ERROR: Module fat is in use"
    assert catalogue.match(LogLine("kmod", "rmmod", line, line)) is not None
    other = "modprobe: ERROR: Module fat is in use"
    assert catalogue.match(LogLine("kmod", "modprobe", other, other)) is None


def test_a_continuation_repeats_after_the_format():
    holders = entry(
        origin="kmod",
        tool="rmmod",
        level="ERROR",
        format="Module %s is in use by:",
        regex=r"Module (?P<module>\S+) is in use by:(?: \S+)+",
        continuation=" %s",
    )
    assert holders.match("rmmod: ERROR: Module fat is in use by: vfat msdos") is not None


def test_error_texts_resolve_through_the_tools_table_before_strerror():
    catalogue = Catalogue(
        errors=[
            ErrorText("ENOEXEC", "Invalid module format", "insmod"),
            ErrorText("ENOEXEC", "Exec format error", "strerror"),
            ErrorText("EPERM", "Operation not permitted", "strerror"),
        ]
    )
    assert catalogue.error_errno("insmod", "Invalid module format") == "ENOEXEC"
    assert catalogue.error_errno("insmod", "Operation not permitted") == "EPERM"
    # insmod words ENOEXEC itself, so strerror's text for it never follows insmod's message.
    assert catalogue.error_errno("insmod", "Exec format error") is None
    assert catalogue.error_errno("modprobe", "Exec format error") == "ENOEXEC"


def test_the_errno_of_a_line_comes_from_its_error_text_its_err_number_or_the_entry():
    catalogue = Catalogue(errors=[ErrorText("EINVAL", "Invalid parameters", "insmod")])
    insmod = entry(
        format="could not insert module %s: %s",
        regex=r"could not insert module (?P<path>\S+): (?P<error>.+)",
        error_table="insmod",
    )
    unknown = entry(
        format="%s: Unknown symbol %s (err %d)",
        regex=r"\w+: Unknown symbol \S+ \(err (?P<err>-\d+)\)",
    )
    fixed = entry(errno="ENOEXEC")
    assert (
        catalogue.errno_of(insmod, insmod.match("could not insert module m.ko: Invalid parameters"))
        == "EINVAL"
    )
    assert catalogue.errno_of(unknown, unknown.match("m: Unknown symbol x (err -22)")) == "EINVAL"
    assert (
        catalogue.errno_of(fixed, fixed.match("m: disagrees about version of symbol x"))
        == "ENOEXEC"
    )
