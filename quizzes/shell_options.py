"""The option table of the command-line tools the grader understands, and option parsing.

The kmod entries (modprobe, insmod, rmmod, modinfo, depmod, lsmod) follow kmod 30's `--help` and
man pages; dmesg follows util-linux 2.38, journalctl systemd 252 and make GNU Make 4.3.
`tests/test_shell_options.py` checks the table against the installed tools' `--help`.

Parsing follows getopt_long, which all of these tools use: options may come in any order and
between positional arguments, short flags combine (`-rv`), a short option that takes a value
takes the rest of its word or the next word (`-Flicense`, `-F license`), a long one takes
`=value` or the next word, long names may be abbreviated while unambiguous, and `--` ends options.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from quizzes.shellwords import ShellSyntaxError, split_command_line


class Arg(enum.Enum):
    """Whether an option takes a value."""

    NONE = "none"
    REQUIRED = "required"
    OPTIONAL = "optional"


# An optional value is normally only written attached (`--boot=-1`, `-b-1`), but journalctl and
# make also take it from the next word when that word looks like one (`-b -1`, `-j 4`).
_GREEDY = {
    "boot": re.compile(r"(?:all|[+-]?\d+|[0-9a-fA-F]{32}(?:[+-]\d+)?)\Z"),
    "lines": re.compile(r"(?:all|\+?\d+)\Z"),
    "number": re.compile(r"\d+(?:\.\d+)?\Z"),
}

# Options are separated by `;` or a line break. Each lists its aliases, then `=` (takes a value),
# `=?` (optional value, attached only) or `=?KIND` (optional value, also the next word when that
# matches _GREEDY[KIND]).
_TABLE_SOURCE: dict[str, str] = {
    "modprobe": """
        -a --all; -r --remove; --remove-holders --remove-dependencies; -w --wait =; --first-time
        -i --ignore-install --ignore-remove; -b --use-blacklist; -f --force; --force-modversion
        --force-vermagic; -R --resolve-alias; -D --show-depends; -c --showconfig --show-config
        --show-modversions --dump-modversions; --show-exports; -n --dry-run --show; -C --config =
        -d --dirname =; -S --set-version =; -s --syslog; -q --quiet; -v --verbose; -V --version
        -h --help
    """,
    "insmod": """
        -V --version; -h --help
    """,
    "rmmod": """
        -f --force; -s --syslog; -v --verbose; -V --version; -h --help
    """,
    "modinfo": """
        -a --author; -d --description; -l --license; -p --parameters; -n --filename; -0 --null
        -m --modname; -F --field =; -k --set-version =; -b --basedir =; -V --version; -h --help
    """,
    "depmod": """
        -a --all; -A --quick; -e --errsyms; -n --show --dry-run; -P --symbol-prefix =
        -C --config =; -v --verbose; -w --warn; -V --version; -h --help; -b --basedir =
        -F --filesyms =; -E --symvers =
    """,
    "lsmod": "",
    "dmesg": """
        -C --clear; -c --read-clear; -D --console-off; -E --console-on; -F --file =
        -f --facility =; -H --human; -J --json; -k --kernel; -L --color =?; -l --level =
        -n --console-level =; -P --nopager; -p --force-prefix; -r --raw; --noescape; -S --syslog
        -s --buffer-size =; -u --userspace; -w --follow; -W --follow-new; -x --decode
        -d --show-delta; -e --reltime; -T --ctime; -t --notime; --time-format =; --since =
        --until =; -h --help; -V --version
    """,
    "journalctl": """
        --system; --user; -M --machine =; -m --merge; -D --directory =; --file =; --root =
        --image =; --namespace =; -S --since =; -U --until =; -c --cursor =; --after-cursor =
        --cursor-file =; -b --boot =?boot; -u --unit =; --user-unit =; -t --identifier =
        -p --priority =; --facility =; -g --grep =; --case-sensitive =?; -k --dmesg; -o --output =
        --output-fields =; -n --lines =?lines; -r --reverse; --show-cursor; --utc; -x --catalog
        --no-hostname; --no-full; -a --all; -f --follow; --no-tail; -q --quiet; --no-pager
        -e --pager-end; --interval =; --verify-key =; --force; -h --help; --version; -N --fields
        -F --field =; --list-boots; --disk-usage; --vacuum-size =; --vacuum-files =
        --vacuum-time =; --verify; --sync; --relinquish-var; --smart-relinquish-var; --flush
        --rotate; --header; --list-catalog; --dump-catalog; --update-catalog; --setup-keys
    """,
    "make": """
        -b -m; -B --always-make; -C --directory =; -d; --debug =?; -e --environment-overrides
        -E --eval =; -f --file --makefile =; -h --help; -i --ignore-errors; -I --include-dir =
        -j --jobs =?number; -k --keep-going; -l --load-average --max-load =?number
        -L --check-symlink-times; -n --just-print --dry-run --recon; -o --old-file --assume-old =
        -O --output-sync =?; -p --print-data-base; -q --question; -r --no-builtin-rules
        -R --no-builtin-variables; -s --silent --quiet; --no-silent; -S --no-keep-going --stop
        -t --touch; --trace; -v --version; -w --print-directory; --no-print-directory
        -W --what-if --new-file --assume-new =; --warn-undefined-variables
    """,
}

# What the positional arguments of a tool are, for feedback: (first one, the others).
_NOUNS: dict[str, tuple[str, str]] = {
    "modprobe": ("module name", "module parameter"),
    "insmod": ("module file", "module parameter"),
    "rmmod": ("module name", "module name"),
    "modinfo": ("module name", "module name"),
    "depmod": ("kernel version", "module file"),
    "journalctl": ("match", "match"),
    "make": ("target", "target"),
}

# `make V=1 M=$(pwd)`: variable assignments, whose order does not matter.
_ASSIGNMENT_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*[:+?!]?=")
_TOOLS_WITH_ASSIGNMENTS = frozenset({"make"})


@dataclass(frozen=True)
class Option:
    """One option of a tool: its aliases (`-r`, `--remove`) and whether it takes a value."""

    names: tuple[str, ...]
    arg: Arg = Arg.NONE
    greedy: re.Pattern[str] | None = None

    @property
    def name(self) -> str:
        """The canonical name: the first long alias, or the short one when there is none."""
        return next((n for n in self.names if n.startswith("--")), self.names[0])


@dataclass(frozen=True)
class Tool:
    """A tool of the table and its options."""

    name: str
    options: tuple[Option, ...]

    def short(self, char: str) -> Option | None:
        return next((o for o in self.options if "-" + char in o.names), None)

    def long(self, name: str) -> tuple[Option | None, bool]:
        """The option a `--name` means (getopt's unambiguous prefixes too), and if ambiguous."""
        for option in self.options:
            if name in option.names:
                return option, False
        found = {
            o for o in self.options for n in o.names if n.startswith("--") and n.startswith(name)
        }
        if len(found) == 1:
            return found.pop(), False
        return None, len(found) > 1


def _parse_table() -> dict[str, Tool]:
    tools: dict[str, Tool] = {}
    for tool, source in _TABLE_SOURCE.items():
        options: list[Option] = []
        for text in re.split(r"[;\n]", source):
            if not text.strip():
                continue
            *names, last = text.split()
            if not last.startswith("="):
                options.append(Option((*names, last)))
            elif last == "=":
                options.append(Option(tuple(names), Arg.REQUIRED))
            else:
                options.append(Option(tuple(names), Arg.OPTIONAL, _GREEDY.get(last[2:])))
        tools[tool] = Tool(tool, tuple(options))
    return tools


TOOLS: dict[str, Tool] = _parse_table()


def tool_for(word: str) -> Tool | None:
    """The table entry for a command word (`modprobe`, `/sbin/modprobe`), or None."""
    return TOOLS.get(word.rsplit("/", 1)[-1] if word.startswith("/") else word)


@dataclass(frozen=True)
class Invocation:
    """A table tool's command line with its options folded to canonical names, as a set."""

    tool: str
    options: frozenset[tuple[str, str | None]]
    positionals: tuple[str, ...]
    assignments: frozenset[str] = frozenset()
    unknown: tuple[str, ...] = ()  # options the table does not know (or ambiguous), as written
    problems: tuple[str, ...] = ()  # e.g. "option -F needs a value"
    spellings: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def spelling(self, canonical: str) -> str:
        return next((s for c, s in self.spellings if c == canonical), canonical)


def parse_invocation(tool: Tool, args: Sequence[str]) -> Invocation:
    """Parse the arguments of `tool` (the words after the command name) like getopt_long."""
    options: set[tuple[str, str | None]] = set()
    positionals: list[str] = []
    assignments: set[str] = set()
    unknown: list[str] = []
    problems: list[str] = []
    spellings: dict[str, str] = {}

    def add(option: Option, spelled: str, value: str | None) -> None:
        options.add((option.name, None if value is None else _normalise_arg(value)))
        spellings.setdefault(option.name, spelled)

    index, only_positionals = 0, False
    while index < len(args):
        word = args[index]
        index += 1
        if only_positionals or word == "-" or not word.startswith("-"):
            if tool.name in _TOOLS_WITH_ASSIGNMENTS and _ASSIGNMENT_RE.match(word):
                assignments.add(_normalise_assignment(word))
            else:
                positionals.append(_normalise_arg(word))
            continue
        if word == "--":
            only_positionals = True
            continue
        if word.startswith("--"):
            name, eq, value = word.partition("=")
            option, ambiguous = tool.long(name)
            if option is None:
                unknown.append(name)
                if ambiguous:
                    problems.append(f"option {name} is ambiguous")
                continue
            if eq and option.arg is Arg.NONE:
                problems.append(f"option {name} takes no value")
                add(option, name, None)
            elif eq:
                add(option, name, value)
            else:
                value, index = _value_after(option, name, args, index, problems)
                add(option, name, value)
            continue
        for pos in range(1, len(word)):
            option = tool.short(word[pos])
            if option is None:
                unknown.append("-" + word[pos])
                continue
            spelled, rest = "-" + word[pos], word[pos + 1 :]
            if option.arg is Arg.NONE:
                add(option, spelled, None)
                continue
            if rest:
                add(option, spelled, rest)
            else:
                value, index = _value_after(option, spelled, args, index, problems)
                add(option, spelled, value)
            break
    return Invocation(
        tool=tool.name,
        options=frozenset(options),
        positionals=tuple(positionals),
        assignments=frozenset(assignments),
        unknown=tuple(unknown),
        problems=tuple(problems),
        spellings=tuple(spellings.items()),
    )


def _value_after(
    option: Option, spelled: str, args: Sequence[str], index: int, problems: list[str]
) -> tuple[str | None, int]:
    """The value of an option written without an attached one, and the next index."""
    if option.arg is Arg.REQUIRED:
        if index < len(args):
            return args[index], index + 1
        problems.append(f"option {spelled} needs a value")
        return None, index
    if option.greedy and index < len(args) and option.greedy.match(args[index]):
        return args[index], index + 1
    return None, index


def _normalise_arg(word: str) -> str:
    # `/lib/modules/X/build/` and `./hello.ko` name the same files as `.../build` and `hello.ko`.
    if not word.startswith(("/", "./", "$(pwd)")):
        return word
    word = re.sub(r"/{2,}", "/", word)
    if word.startswith("./") and len(word) > 2:
        word = word[2:]
    return word.rstrip("/") or "/"


def _normalise_assignment(word: str) -> str:
    name, _, value = word.partition("=")
    return f"{name.strip()}={_normalise_arg(value)}"


def describe_differences(expected: Invocation, actual: Invocation) -> list[str]:
    """How `actual` differs from `expected`, in short phrases ("missing option -r")."""
    notes = [f"unknown option {clip(name)} for {actual.tool}" for name in actual.unknown]
    notes += list(actual.problems)
    wanted: dict[str, set[str | None]] = {}
    given: dict[str, set[str | None]] = {}
    for canonical, value in expected.options:
        wanted.setdefault(canonical, set()).add(value)
    for canonical, value in actual.options:
        given.setdefault(canonical, set()).add(value)
    for canonical in sorted(wanted.keys() - given.keys()):
        notes.append(f"missing option {expected.spelling(canonical)}")
    for canonical in sorted(given.keys() - wanted.keys()):
        notes.append(f"unexpected option {actual.spelling(canonical)}")
    for canonical in sorted(wanted.keys() & given.keys()):
        spelled = actual.spelling(canonical)
        if wanted[canonical] != given[canonical] and f"option {spelled} needs a value" not in notes:
            notes.append(f"wrong value for option {spelled}")
    notes += _positional_differences(expected, actual)
    notes += _assignment_differences(expected.assignments, actual.assignments)
    return notes


def _positional_differences(expected: Invocation, actual: Invocation) -> list[str]:
    want, got = expected.positionals, actual.positionals
    if want == got:
        return []
    first, other = _NOUNS.get(expected.tool, ("argument", "argument"))
    if sorted(want) == sorted(got):
        return ["arguments in the wrong order"]
    if len(got) < len(want):
        noun = first if not got else other
        return [f"missing {noun}" if got == want[: len(got)] else f"missing or wrong {noun}"]
    if len(got) > len(want) and got[: len(want)] == want:
        return [f"unexpected argument {clip(got[len(want)])!r}"]
    index = next(i for i, (w, g) in enumerate(zip(want, got, strict=False)) if w != g)
    return [f"wrong {first if index == 0 else other}"]


def _assignment_differences(want: frozenset[str], got: frozenset[str]) -> list[str]:
    wanted = dict(a.split("=", 1) for a in want)
    given = dict(a.split("=", 1) for a in got)
    notes = [f"missing make variable {name}" for name in sorted(wanted.keys() - given.keys())]
    notes += [f"unexpected make variable {name}" for name in sorted(given.keys() - wanted.keys())]
    notes += [
        f"wrong value for make variable {name}"
        for name in sorted(wanted.keys() & given.keys())
        if wanted[name] != given[name]
    ]
    return notes


def unknown_options(command_line: str) -> list[str]:
    """Options of a command line that the option table does not know, for its table tools."""
    try:
        pipelines = split_command_line(command_line)
    except ShellSyntaxError:
        return []
    found: list[str] = []
    for pipeline in pipelines:
        for stage in pipeline.stages:
            words = strip_sudo(stage.words)
            tool = tool_for(words[0]) if words else None
            if tool is not None:
                found += parse_invocation(tool, words[1:]).unknown
    return list(dict.fromkeys(found))


def clip(text: str, limit: int = 40) -> str:
    """`text` cut to `limit` characters, for feedback that quotes what the learner typed."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def strip_sudo(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words of a command without its leading `sudo`."""
    while words and words[0] == "sudo":
        words = words[1:]
    return words
