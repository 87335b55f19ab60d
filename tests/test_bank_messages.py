"""Every log line the bank shows is a message the kernel, kmod or modpost really prints:
fixtures/messages.json lists the formats, each checked against the source that prints it (when
the kernel tree and kmod's git are on this machine), and the bank's lines are checked against
the formats and against each other (docs/bank.md § Log lines)."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from functools import cache
from pathlib import Path

import pytest

from quizzes.bankcheck import load_catalogue, log_lines, prose_log_lines, question_log_lines
from quizzes.bankcheck.listings import listing_problems
from quizzes.bankcheck.logs import DMESG_TS_RE, question_texts
from quizzes.bankcheck.messages import MessageFormat
from quizzes.bankcheck.scenarios import scenario_problems, stated_errno_problems
from tests.test_fixture_bank import questions

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_PATH = ROOT / "fixtures" / "messages.json"
CATALOGUE = load_catalogue(CATALOGUE_PATH)
KERNEL_TREE = Path(os.environ.get("KMODQUIZ_KERNEL_TREE", "/work/kernel/linux-source-6.12"))
KMOD_GIT = Path(os.environ.get("KMODQUIZ_KMOD_GIT", "/work/.mirror/kmod-project+kmod/repo"))
VERSION_RE = re.compile(r"^(?:Linux \d+\.\d+|kmod \d+(?:\.\d+)?|util-linux \d+\.\d+|systemd \d+)$")
ORIGINS = {"kernel", "kmod", "modpost", "util-linux", "systemd-modules-load"}

# Questions outside this branch's range (km-d/km-t/km-m, re-verified on branch bank-verify) whose
# log lines have no format in messages.json yet. bank-verify adds the formats (or fixes the
# lines) and removes the ids; a test below fails when an id here no longer needs to be listed.
PENDING_FORMATS = {
    # A lockdep lock line ("%px (name){usage}-{w:w}, at: %pS") and a scenario line ("  lock(name);")
    # are assembled by several printk(KERN_CONT ...) calls (print_lock(), print_lock_name(),
    # print_circular_lock_scenario() in kernel/locking/lockdep.c), which one `format` (a substring
    # of one literal) plus a repeated `continuation` cannot express. Every other line of these
    # reports has its format (kernel.lockdep.*).
    "km-m-locking-005",  # lockdep: circular dependency
    "km-m-locking-020",  # lockdep: inconsistent lock state
    "km-m-locking-021",  # lockdep: recursive locking
}

# Questions outside this branch's range whose lines match formats but break a scenario rule.
PENDING_SCENARIOS: set[str] = set()


# --- the catalogue is well formed --------------------------------------------------------------


def test_entries_have_unique_ids_known_origins_and_stated_versions():
    ids = [m.id for m in CATALOGUE.messages]
    assert len(ids) == len(set(ids))
    for m in CATALOGUE.messages:
        assert m.origin in ORIGINS, m.id
        assert VERSION_RE.match(m.version), m.id
        assert all(VERSION_RE.match(v) for v in m.also_checked), m.id
        assert m.source_file and m.source_function, m.id
        if m.origin in ("kmod", "modpost"):
            assert m.level in ("FATAL", "ERROR", "WARNING"), m.id
        if m.error_table:
            assert "error" in m.pattern.groupindex, m.id
            assert m.error_table == "strerror" or any(
                e.printed_by == m.error_table for e in CATALOGUE.errors
            ), m.id
        assert not (m.errno and "err" in m.pattern.groupindex), m.id


@pytest.mark.parametrize("entry", CATALOGUE.messages, ids=lambda m: m.id)
def test_each_example_is_found_as_a_log_line_and_matched_by_its_own_entry(entry: MessageFormat):
    lines = log_lines(f"```\n{entry.example}\n```")
    assert len(lines) == 1
    matched = CATALOGUE.match(lines[0])
    assert matched is not None and matched[0] is entry


def test_each_errno_and_error_text_is_known_once_per_table():
    seen = set()
    for error in CATALOGUE.errors:
        assert re.fullmatch(r"E[A-Z0-9]+", error.errno)
        assert (error.printed_by, error.errno) not in seen
        seen.add((error.printed_by, error.errno))
    for m in CATALOGUE.messages:
        assert not m.errno or m.errno in {e.errno for e in CATALOGUE.errors}, m.id


# --- the formats are real ----------------------------------------------------------------------


def c_strings(source: str) -> list[str]:
    """The string literals of a C file, adjacent literals joined (as the compiler does),
    escapes decoded; comments and character constants skipped."""
    strings: list[str] = []
    current: list[str] | None = None
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if source.startswith("//", i):
            i = source.find("\n", i) if "\n" in source[i:] else n
        elif source.startswith("/*", i):
            end = source.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif char == "'":
            match = re.compile(r"'(?:[^'\\\n]|\\.)*'").match(source, i)
            i = match.end() if match else i + 1
            current = None
        elif char == '"':
            match = re.compile(r'"((?:[^"\\\n]|\\.)*)"').match(source, i)
            if not match:
                i += 1
                continue
            text = re.sub(
                r"\\(.)",
                lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)),
                match.group(1),
            )
            if current is None:
                current = [text]
                strings.append("")
            else:
                current.append(text)
            strings[-1] = "".join(current)
            i = match.end()
        elif char.isspace():
            i += 1
        else:
            current = None
            i += 1
    return strings


def assert_printed_by(source: str, entry_or_text: MessageFormat | str, function: str) -> None:
    if function:
        assert re.search(rf"\b{re.escape(function)}\s*\(", source), f"no function {function}"
    texts = (
        [entry_or_text.format, entry_or_text.continuation]
        if isinstance(entry_or_text, MessageFormat)
        else [entry_or_text]
    )
    literals = c_strings(source)
    for text in filter(None, texts):
        assert any(text in literal for literal in literals), f"{text!r} is not in the source"


@cache
def kernel_release() -> str | None:
    makefile = KERNEL_TREE / "Makefile"
    if not makefile.exists():
        return None
    head = makefile.read_text(errors="replace")[:500]
    version = re.search(r"^VERSION = (\d+)", head, re.M)
    patch = re.search(r"^PATCHLEVEL = (\d+)", head, re.M)
    return f"Linux {version.group(1)}.{patch.group(1)}" if version and patch else None


@pytest.mark.parametrize(
    "entry", [m for m in CATALOGUE.messages if m.version.startswith("Linux")], ids=lambda m: m.id
)
def test_kernel_and_modpost_formats_are_printed_by_the_named_function(entry: MessageFormat):
    if kernel_release() is None:
        pytest.skip(f"no kernel tree at {KERNEL_TREE} (set KMODQUIZ_KERNEL_TREE)")
    if kernel_release() != entry.version:
        pytest.skip(f"the tree at {KERNEL_TREE} is {kernel_release()}, the entry {entry.version}")
    path = KERNEL_TREE / entry.source_file
    assert path.exists(), entry.source_file
    assert_printed_by(path.read_text(errors="replace"), entry, entry.source_function)


@cache
def kmod_file(version: str, path: str) -> str | None:
    if not (KMOD_GIT / "HEAD").exists():
        pytest.skip(f"no kmod git directory at {KMOD_GIT} (set KMODQUIZ_KMOD_GIT)")
    tag = "v" + version.removeprefix("kmod ")
    shown = subprocess.run(
        ["git", "-C", str(KMOD_GIT), "show", f"{tag}:{path}"],
        capture_output=True,
        text=True,
        check=False,
    )
    return shown.stdout if shown.returncode == 0 else None


@pytest.mark.parametrize(
    "entry", [m for m in CATALOGUE.messages if m.origin == "kmod"], ids=lambda m: m.id
)
def test_kmod_formats_are_printed_by_the_named_function_at_each_version(entry: MessageFormat):
    # The function is named at the stated version; older ones may print it from another.
    for version in (entry.version, *entry.also_checked):
        source = kmod_file(version, entry.source_file)
        assert source is not None, f"{entry.source_file} at {version}"
        function = entry.source_function if version == entry.version else ""
        assert_printed_by(source, entry, function)


def systemd_library(version: str) -> Path | None:
    number = version.removeprefix("systemd ")
    for directory in ("/usr/lib/x86_64-linux-gnu/systemd", "/usr/lib/systemd", "/lib/systemd"):
        path = Path(directory) / f"libsystemd-shared-{number}.so"
        if path.exists():
            return path
    return None


@pytest.mark.parametrize(
    "entry", [m for m in CATALOGUE.messages if m.version.startswith("systemd")], ids=lambda m: m.id
)
def test_systemd_formats_are_in_that_releases_shared_library(entry: MessageFormat):
    """systemd's source is not on this machine, but its build is: the format strings of a
    release are in its libsystemd-shared-N.so."""
    library = systemd_library(entry.version)
    if library is None:
        pytest.skip(f"no libsystemd-shared for {entry.version} here")
    assert entry.format.encode() + b"\0" in library.read_bytes()


@pytest.mark.parametrize(
    "error", [e for e in CATALOGUE.errors if e.printed_by != "strerror"], ids=lambda e: e.text
)
def test_the_tools_own_error_texts_are_in_their_source(error):
    source = kmod_file(error.version, error.source_file)
    assert source is not None
    assert_printed_by(source, error.text, error.source_function)
    assert re.search(rf"\b{error.errno}\b", source)


def test_strerror_texts_are_glibcs():
    if platform.libc_ver()[0] != "glibc":
        pytest.skip("strerror() texts differ outside glibc")
    import errno as errno_module

    for error in CATALOGUE.errors:
        if error.printed_by == "strerror":
            assert os.strerror(getattr(errno_module, error.errno)) == error.text


# --- the bank's log lines ----------------------------------------------------------------------


def bank_lines():
    for q in questions():
        yield q, question_log_lines(q.prompt, q.explanation, q.spec)


def unmatched(lines):
    return [(where, line.raw) for where, line in lines if CATALOGUE.match(line) is None]


def test_every_log_line_in_the_bank_matches_a_real_message_format():
    missing = {
        q.external_id: bad
        for q, lines in bank_lines()
        if q.external_id not in PENDING_FORMATS and (bad := unmatched(lines))
    }
    assert missing == {}


def test_questions_awaiting_formats_still_need_them():
    pending = {q.external_id for q, lines in bank_lines() if unmatched(lines)}
    assert pending >= PENDING_FORMATS, "remove the fixed ids from PENDING_FORMATS"


def scenario_problems_by_question() -> dict[str, list[str]]:
    return {
        q.external_id: found
        for q, lines in bank_lines()
        if (found := scenario_problems(CATALOGUE, [line for _, line in lines]))
    }


def test_scenarios_agree_with_the_catalogues_rules():
    problems = scenario_problems_by_question()
    assert {k: v for k, v in problems.items() if k not in PENDING_SCENARIOS} == {}
    assert set(problems) >= PENDING_SCENARIOS, "remove the fixed ids from PENDING_SCENARIOS"


def test_tool_messages_sit_in_code_and_dmesg_timestamps_have_microseconds():
    for q, lines in bank_lines():
        for where, text in question_texts(q.prompt, q.explanation, q.spec):
            assert prose_log_lines(text) == [], (q.external_id, where)
        for _, line in lines:
            if match := DMESG_TS_RE.match(line.raw):
                assert re.fullmatch(r"\d+\.\d{6}", match.group("seconds")), (
                    q.external_id,
                    line.raw,
                )


def test_listings_are_what_the_tools_print():
    problems = {
        (q.external_id, where): found
        for q in questions()
        for where, text in question_texts(q.prompt, q.explanation, q.spec)
        if (found := listing_problems(text))
    }
    assert problems == {}


def test_every_error_text_named_with_an_errno_names_the_catalogues_errno():
    problems = {
        q.external_id: found
        for q in questions()
        if (found := stated_errno_problems(CATALOGUE, f"{q.prompt}\n{q.explanation}"))
    }
    assert problems == {}
