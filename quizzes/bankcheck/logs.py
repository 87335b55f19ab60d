"""Find the log lines a question shows: kernel messages (dmesg, journalctl), kmod's tool
messages (`modprobe: FATAL: ...`) and modpost's build messages. docs/bank.md § Log lines defines
what counts; this module is that definition.

A question's Markdown is parsed with the renderer's parser, so the blocks seen here are the blocks
a learner sees. Only fenced blocks shown as terminal text (no info string, `text` or `console`)
are read; code (`c`, `make`, `sh` ...) is not. In such a block:

- a line starting with a kmod tool's name and a colon (`insmod: ERROR: ...`) is a kmod message,
  `dmesg: ...` a util-linux message; one starting with `ERROR: modpost: ` or
  `WARNING: modpost: ` is a modpost message;
- a line starting with a dmesg timestamp (`[  812.334201] `) is a kernel message, the timestamp
  removed; a journalctl line (`Nov 26 06:00:01 host kernel: ...`) is a message of the program it
  names (`kernel` or a daemon such as `systemd-modules-load`), the prefix removed;
- a block holding shell commands (`$ cmd`, `# cmd`, `~/dir$ cmd`) is a session: the output of a
  command whose first stage is `dmesg`, or `journalctl -k` / `--dmesg`, is kernel messages;
  other output is not a log (it is a listing: lsmod, cat, modinfo ...);
- a block without commands is a listing when its first line has a listing's shape (LISTINGS:
  an lsmod table, modinfo output, a file shown under a `# /path` comment, /proc/modules,
  modules.dep, /proc/filesystems, a kmemleak report, build output); otherwise it is a kernel log
  and every line of it is a kernel message.

A line `...` (or `…`) marks an elision and is never a message. Inline code that starts like a
kmod/modpost message or with a dmesg timestamp is a log line too.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt

KMOD_TOOLS = ("modprobe", "insmod", "rmmod", "depmod", "modinfo", "lsmod", "kmod")
# Other programs whose own messages (`dmesg: read kernel buffer failed: ...`) start the same way.
TOOL_ORIGINS = {**{tool: "kmod" for tool in KMOD_TOOLS}, "dmesg": "util-linux"}
DISPLAY_INFO = frozenset({"", "text", "console"})
ELISION = frozenset({"...", "…", "[...]"})

TOOL_RE = re.compile(rf"^(?P<tool>{'|'.join(TOOL_ORIGINS)}): \S")
MODPOST_RE = re.compile(r"^(?:ERROR|WARNING): modpost: ")
DMESG_TS_RE = re.compile(r"^\[\s*(?P<seconds>\d+\.\d+)\] (?P<msg>.*)$")
JOURNAL_RE = re.compile(
    r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ "
    r"(?P<ident>[A-Za-z0-9_.@-]+)(?:\[\d+\])?: (?P<msg>.*)$"
)
PROMPT_RE = re.compile(r"^(?:[\w.@:~/-]*[$#]|[$#]) (?P<command>\S.*)$")
FILE_HEADER_RE = re.compile(r"^# /\S+$")
LISTINGS = {
    "lsmod": re.compile(r"^Module\s+Size\s+Used by$"),
    "modinfo": re.compile(r"^filename:\s"),
    "file": FILE_HEADER_RE,
    "/proc/modules": re.compile(r"^\S+ \d+ \d+ \S+ (?:Live|Loading|Unloading) 0x[0-9a-f]+"),
    "modules.dep": re.compile(r"^\S+\.ko(?:\.[a-z]+)?:"),
    "/proc/filesystems": re.compile(r"^(?:nodev)?\t\S+$"),
    "kmemleak": re.compile(r"^unreferenced object 0x[0-9a-f]+ "),
    "build": re.compile(r"^(?:make(?:\[\d+\])?:? |  [A-Z][A-Z0-9_]*(?: \[[A-Z]\])? +\S)"),
}


@dataclass(frozen=True)
class LogLine:
    """One message shown in a question: who prints it, its text, and where it stands."""

    origin: str  # "kernel", "kmod", "modpost", or a daemon named by a journal line
    tool: str  # the kmod tool (`insmod` ...); otherwise the same as origin
    text: str  # the message as printed, without a timestamp or journal prefix
    raw: str  # the line as the question shows it
    command: str = ""  # the session command whose output it is


def _fences_and_code(markdown: str) -> tuple[list[tuple[str, str]], list[str]]:
    fences: list[tuple[str, str]] = []
    inline: list[str] = []
    for token in _parser().parse(markdown):
        if token.type in ("fence", "code_block"):
            info = token.info.strip().split(" ")[0].lower() if token.type == "fence" else ""
            fences.append((info, token.content))
        elif token.type == "inline":
            inline.extend(c.content for c in token.children or [] if c.type == "code_inline")
    return fences, inline


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


def command_of(line: str) -> str | None:
    """The command of a shell prompt line (`$ cmd`, `# cmd`, `~/dir$ cmd`), else None."""
    match = PROMPT_RE.match(line)
    return match.group("command") if match else None


def tool_of(command: str) -> str:
    """The program of a command line's first pipeline stage, past sudo, env and a path."""
    stage = command.split("|")[0]
    try:
        words = shlex.split(stage)
    except ValueError:
        words = stage.split()
    while words and (words[0] == "sudo" or "=" in words[0] or words[0].startswith("-")):
        if words[0] in ("-u", "-g") and len(words) > 1:
            words = words[1:]
        words = words[1:]
    return words[0].rsplit("/", 1)[-1] if words else ""


def _reads_kernel_log(command: str) -> bool:
    tool = tool_of(command)
    if tool == "dmesg":
        return True
    if tool == "journalctl":
        words = command.split("|")[0].split()
        return any(
            w in ("-k", "--dmesg") or re.fullmatch(r"-[a-zA-Z]*k[a-zA-Z]*", w) for w in words
        )
    return False


def listing_kind(lines: list[str]) -> str | None:
    """The listing a command-less block shows (a key of LISTINGS), or None for a kernel log."""
    for name, shape in LISTINGS.items():
        if lines and shape.match(lines[0]):
            return name
    return None


def _classify(line: str, *, kernel: bool, command: str) -> LogLine | None:
    if match := TOOL_RE.match(line):
        tool = match.group("tool")
        return LogLine(TOOL_ORIGINS[tool], tool, line, line, command)
    if MODPOST_RE.match(line):
        return LogLine("modpost", "modpost", line, line, command)
    if match := JOURNAL_RE.match(line):
        ident = match.group("ident")
        return LogLine(ident, ident, match.group("msg"), line, command)
    if match := DMESG_TS_RE.match(line):
        return LogLine("kernel", "kernel", match.group("msg"), line, command)
    if kernel:
        return LogLine("kernel", "kernel", line, line, command)
    return None


def block_log_lines(info: str, content: str) -> list[LogLine]:
    """The log lines of one fenced block (see the module docstring for the rules)."""
    if info not in DISPLAY_INFO:
        return []
    lines = [line.rstrip() for line in content.splitlines() if line.strip()]
    lines = [line for line in lines if line.strip() not in ELISION]
    session = not (lines and FILE_HEADER_RE.match(lines[0])) and any(
        command_of(line) for line in lines
    )
    kernel_block = not session and listing_kind(lines) is None
    found: list[LogLine] = []
    command = ""
    for line in lines:
        if session and (next_command := command_of(line)) is not None:
            command = next_command
            continue
        kernel = kernel_block or (session and bool(command) and _reads_kernel_log(command))
        if (log := _classify(line, kernel=kernel, command=command)) is not None:
            found.append(log)
    return found


def log_lines(markdown: str) -> list[LogLine]:
    """Every log line a Markdown text shows, in fenced blocks and in inline code."""
    fences, inline = _fences_and_code(markdown)
    found = [log for info, content in fences for log in block_log_lines(info, content)]
    for code in inline:
        if (log := _classify(code.strip(), kernel=False, command="")) is not None:
            found.append(log)
    return found


def prose_log_lines(markdown: str) -> list[str]:
    """kmod and modpost messages written as plain prose, outside any code: not allowed."""
    shape = re.compile(
        rf"(?:{'|'.join(KMOD_TOOLS)}): (?:ERROR|FATAL|WARNING): |(?:ERROR|WARNING): modpost: "
    )
    return [
        child.content
        for token in _parser().parse(markdown)
        if token.type == "inline"
        for child in token.children or []
        if child.type == "text" and shape.search(child.content)
    ]


def question_texts(prompt: str, explanation: str, spec: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, Markdown) of everything a question shows: prompt, explanation, and the texts of
    its answer spec (options, items, pairs, a flashcard's back, a cloze text)."""
    texts = [("prompt", prompt), ("explanation", explanation)]
    for key in ("options", "items", "left", "right"):
        texts.extend((f"spec.{key}", str(o.get("text", ""))) for o in spec.get(key, []))
    texts.extend((f"spec.{key}", str(spec[key])) for key in ("back", "text") if key in spec)
    return texts


def question_log_lines(
    prompt: str, explanation: str, spec: dict[str, Any]
) -> list[tuple[str, LogLine]]:
    """(where, line) for every log line a question shows."""
    return [
        (where, line)
        for where, text in question_texts(prompt, explanation, spec)
        for line in log_lines(text)
    ]
