"""The catalogue of real message formats (fixtures/messages.json): what the kernel, kmod and
modpost print, where in their source, at which version, and the errno a failure carries.

A log line matches an entry when the entry's hand-written regex AND the regex derived from its
printf format both match the whole message (after the printing path's prefix: `insmod: ERROR: `,
`ERROR: modpost: `, a pr_fmt prefix). The derived regex keeps an entry from accepting text its
format cannot print; the hand-written one may narrow it (a specific symbol) and names groups:
`error` (a kmod error text, resolved to an errno through the catalogue's error table) and `err`
(a negative errno printed as a number).
"""

from __future__ import annotations

import errno as errno_module
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from quizzes.bankcheck.logs import LogLine

_CONVERSION = re.compile(
    r"%(?P<flags>[-+ #0]*)(?P<width>\*|\d+)?(?:\.(?P<prec>\*|\d+))?"
    r"(?P<length>hh|h|ll|l|z|j|t|L)?(?P<conv>[diouxXcspm%])"
)


def format_regex(fmt: str) -> str:
    """A regex matching what printf-style `fmt` can print (kernel %p extensions included)."""
    out: list[str] = []
    pos = 0
    for match in _CONVERSION.finditer(fmt):
        out.append(re.escape(fmt[pos : match.start()]))
        pos = match.end()
        conv, flags, width = match.group("conv"), match.group("flags"), match.group("width")
        pad = " *" if width and "-" not in flags else ""
        if conv == "%":
            out.append("%")
        elif conv in "di":
            out.append(pad + r"[-+]?\d+")
        elif conv == "u":
            out.append(pad + r"\d+")
        elif conv in "xX":
            out.append(pad + ("0x" if "#" in flags else "") + "[0-9a-fA-F]+")
        elif conv == "o":
            out.append(pad + "[0-7]+")
        elif conv == "c":
            out.append(".")
        elif conv == "p":
            ext = re.match(r"[A-Za-z]*", fmt[pos:])
            pos += ext.end() if ext else 0
            out.append(".+?")
        else:  # s, m
            out.append(pad + ".*?")
    out.append(re.escape(fmt[pos:]))
    return "".join(out)


@dataclass(frozen=True)
class MessageFormat:
    """One message format: who prints it, where, and what it means."""

    id: str
    origin: str
    format: str
    regex: str
    source_file: str
    source_function: str
    version: str
    example: str
    tool: str = ""
    level: str = ""
    prefix: str = ""
    errno: str = ""
    error_table: str = ""
    meaning: str = ""
    since: str = ""
    also_checked: tuple[str, ...] = ()
    continuation: str = ""  # printed by further calls on the same line, once per item

    @property
    def printed_prefix(self) -> str:
        """What the printing path puts before the format's text."""
        if self.origin == "kmod":
            return f"{self.tool}: {self.level}: "
        if self.origin == "modpost":
            return f"{self.level}: modpost: "
        return self.prefix

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.regex)

    @cached_property
    def derived(self) -> re.Pattern[str]:
        more = f"(?:{format_regex(self.continuation)})*" if self.continuation else ""
        return re.compile(format_regex(self.format) + more)

    def match(self, text: str) -> re.Match[str] | None:
        """The regex's match of a whole printed message, or None (prefix and format checked)."""
        prefix = self.printed_prefix
        if not text.startswith(prefix):
            return None
        body = text[len(prefix) :]
        if not self.derived.fullmatch(body):
            return None
        return self.pattern.fullmatch(body)


@dataclass(frozen=True)
class ErrorText:
    """The text a tool prints for an errno: its own (insmod's mod_strerror) or libc's strerror."""

    errno: str
    text: str
    printed_by: str  # "strerror" or a kmod tool with its own table
    source_file: str = ""
    source_function: str = ""
    version: str = ""


@dataclass
class Catalogue:
    messages: list[MessageFormat] = field(default_factory=list)
    errors: list[ErrorText] = field(default_factory=list)

    def match(self, line: LogLine) -> tuple[MessageFormat, re.Match[str]] | None:
        """The first entry (in file order) that prints this line, with the regex's match."""
        for entry in self.messages:
            if entry.origin != line.origin or (entry.tool and entry.tool != line.tool):
                continue
            if (found := entry.match(line.text)) is not None:
                return entry, found
        return None

    def error_errno(self, table: str, text: str) -> str | None:
        """The errno a tool's error text stands for: the tool's own table first, then strerror
        for the errnos the tool does not print its own way."""
        own = [e for e in self.errors if e.printed_by == table]
        for entry in own:
            if entry.text == text:
                return entry.errno
        overridden = {e.errno for e in own}
        for entry in self.errors:
            if entry.printed_by == "strerror" and entry.text == text:
                return None if entry.errno in overridden else entry.errno
        return None

    def errno_of(self, entry: MessageFormat, found: re.Match[str]) -> str | None:
        """The errno a matched line states or implies, if any."""
        groups = found.groupdict()
        if entry.error_table and groups.get("error") is not None:
            return self.error_errno(entry.error_table, groups["error"])
        if groups.get("err") is not None:
            return errno_module.errorcode.get(-int(groups["err"]))
        return entry.errno or None


def _entry(raw: dict[str, Any]) -> MessageFormat:
    return MessageFormat(
        id=raw["id"],
        origin=raw["origin"],
        format=raw["format"],
        regex=raw["regex"],
        source_file=raw["source"]["file"],
        source_function=raw["source"]["function"],
        version=raw["version"],
        example=raw["example"],
        tool=raw.get("tool", ""),
        level=raw.get("level", ""),
        prefix=raw.get("prefix", ""),
        errno=raw.get("errno", ""),
        error_table=raw.get("error_table", ""),
        meaning=raw.get("meaning", ""),
        since=raw.get("since", ""),
        also_checked=tuple(raw.get("also_checked", [])),
        continuation=raw.get("continuation", ""),
    )


def load_catalogue(path: Path) -> Catalogue:
    """Read fixtures/messages.json (or another file of the same shape)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return Catalogue(
        messages=[_entry(raw) for raw in data["messages"]],
        errors=[
            ErrorText(
                errno=raw["errno"],
                text=raw["text"],
                printed_by=raw["printed_by"],
                source_file=raw.get("source", {}).get("file", ""),
                source_function=raw.get("source", {}).get("function", ""),
                version=raw.get("version", ""),
            )
            for raw in data["errors"]
        ],
    )
