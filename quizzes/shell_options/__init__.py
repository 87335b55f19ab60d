"""The option table of the command-line tools the grader understands, and how to read them.

Each tool's table (the modules of this package) lists every documented option with what it does
to the outcome of the command, and why (see `table.py` for the line grammar):

- kmod.py      modprobe insmod rmmod modinfo depmod lsmod kmod    (kmod 34)
- logs.py      dmesg journalctl                                   (util-linux 2.38, systemd 252)
- build.py     make dkms                                          (GNU Make 4.3, dkms 3)
- compress.py  xz zstd (and unxz xzcat unzstd zstdcat)            (XZ Utils 5.4, zstd 1.5)
- devices.py   lspci udevadm                                      (pciutils 3, systemd 252)
- tracing.py   trace-cmd                                          (trace-cmd 3)
- system.py    sudo sysctl                                        (sudo 1.9, procps-ng 4.0)

registry.py holds them by name (TOOLS); parsing.py reads a tool's arguments as the tool does;
commands.py finds the command past sudo, full paths and aliases; meaning.py says what a table
tool's command does; lines.py what a whole command line does.

`tests/shell_options/test_tables.py` checks the tables against the installed tools' `--help`.
"""

from __future__ import annotations

from quizzes.shell_options.commands import (
    ALIASES,
    Command,
    command_name,
    normalise_path,
    split_command,
)
from quizzes.shell_options.parsing import Given, Invocation, Word, parse_invocation
from quizzes.shell_options.registry import TOOLS
from quizzes.shell_options.table import Arg, Effect, Option, TableError, Tool
from quizzes.shellwords import ShellSyntaxError, split_command_line

__all__ = [
    "ALIASES",
    "TOOLS",
    "Arg",
    "Command",
    "Effect",
    "Given",
    "Invocation",
    "Option",
    "TableError",
    "Tool",
    "Word",
    "clip",
    "command_name",
    "normalise_path",
    "parse_invocation",
    "split_command",
    "tool_for",
    "unknown_options",
]


def tool_for(word: str) -> Tool | None:
    """The table entry for a command word (`modprobe`, `/sbin/modprobe`, `unxz`), or None."""
    name = command_name(word)
    return TOOLS.get(ALIASES.get(name, (name, ()))[0])


def unknown_options(command_line: str) -> list[str]:
    """Options of a command line that the option table does not know, for its table tools."""
    try:
        pipelines = split_command_line(command_line)
    except ShellSyntaxError:
        return []
    found: list[str] = []
    for pipeline in pipelines:
        for stage in pipeline.stages:
            command = split_command(stage.words)
            found += [g.name for g in command.sudo if g.option is None]
            tool = TOOLS.get(command.name)
            if tool is not None:
                call = parse_invocation(tool, [*command.implied, *(w.text for w in command.args)])
                found += [w.text for w in call.unknown]
    return list(dict.fromkeys(found))


def clip(text: str, limit: int = 40) -> str:
    """`text` cut to `limit` characters, for feedback that quotes what the learner typed."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
