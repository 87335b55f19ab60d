"""Listings a question shows must be what the tool prints (docs/bank.md § Listings): lsmod's
table (kmod's `printf("%-19s %8ld  %d", ...)` then the holders), `/proc/modules` lines (the
kernel's m_show()), and modinfo's `field:` lines (the value at column 17). Log lines are checked
against the message catalogue instead (quizzes/bankcheck/messages.py)."""

from __future__ import annotations

import re

from quizzes.bankcheck.logs import DISPLAY_INFO, _fences_and_code, command_of, tool_of

LSMOD_HEADER = "Module                  Size  Used by"
LSMOD_ROW = re.compile(r"(?P<name>\S+) +(?P<size>\d+)  (?P<count>-?\d+)(?: (?P<holders>\S+))?")
PROC_MODULES_ROW = re.compile(
    r"(?P<name>\S+) (?P<size>\d+) (?P<count>\d+|-) (?P<users>-|(?:[\w-]+,|\[permanent\],)+)"
    r" (?P<state>Live|Loading|Unloading) 0x[0-9a-f]{16}(?: \((?P<taints>[A-Z]*[+-]?)\))?"
)
MODINFO_ROW = re.compile(r"(?P<key>[a-z0-9_]+):(?P<pad> *)(?P<value>.*)")


def lsmod_row_problem(line: str) -> str | None:
    """Why a line cannot be a row of kmod's lsmod, or None."""
    match = LSMOD_ROW.fullmatch(line)
    if not match:
        return f"{line!r} is not an lsmod row"
    expected = f"{match['name']:<19} {match['size']:>8}  {match['count']}"
    if match["holders"]:
        expected += f" {match['holders']}"
    if line != expected:
        return f"{line!r}: lsmod prints {expected!r}"
    return None


def proc_modules_problem(line: str) -> str | None:
    return None if PROC_MODULES_ROW.fullmatch(line) else f"{line!r} is not a /proc/modules line"


def modinfo_row_problem(line: str) -> str | None:
    match = MODINFO_ROW.fullmatch(line)
    if not match:
        return f"{line!r} is not a modinfo field line"
    width = len(match["key"]) + 1 + len(match["pad"])
    if match["value"] and len(match["key"]) < 16 and width != 16:
        return f"{line!r}: modinfo starts the value at column 17"
    return None


def _kind_of_output(command: str) -> str | None:
    tool, words = tool_of(command), command.split("|")[0].split()
    if tool == "lsmod":
        return "lsmod"
    if tool in ("cat", "grep") and "/proc/modules" in words:
        return "/proc/modules"
    if tool == "modinfo" and not any(
        w.startswith(("-F", "--field", "-p", "-n", "-0", "-a", "-d", "-l")) for w in words[1:]
    ):
        return "modinfo"
    return None


def listing_problems(markdown: str) -> list[str]:
    """Problems of the lsmod, /proc/modules and modinfo listings in a Markdown text."""
    problems: list[str] = []
    fences, _ = _fences_and_code(markdown)
    for info, content in fences:
        if info not in DISPLAY_INFO:
            continue
        lines = [line.rstrip() for line in content.splitlines() if line.strip()]
        kind: str | None = None
        if lines and lines[0] == LSMOD_HEADER:
            kind, lines = "lsmod", lines[1:]
        elif lines and not any(command_of(line) for line in lines):
            kind = (
                "/proc/modules"
                if PROC_MODULES_ROW.fullmatch(lines[0])
                else ("modinfo" if lines[0].startswith(("filename:", "name:")) else None)
            )
        for line in lines:
            if (command := command_of(line)) is not None:
                kind = _kind_of_output(command)
                continue
            if line == LSMOD_HEADER and kind == "lsmod":
                continue
            check = {
                "lsmod": lsmod_row_problem,
                "/proc/modules": proc_modules_problem,
                "modinfo": modinfo_row_problem,
            }.get(kind or "")
            if check and (problem := check(line)):
                problems.append(problem)
    return problems
