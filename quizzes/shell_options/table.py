"""The shape of the option table: a tool, its options, and what each option does.

Each tool's options are written as text, one option a line, so that the table reads like the
man page it was checked against:

    NAMES [VALUE] [MARKS] | EFFECT | REASON

- NAMES: the aliases, short (`-r`) and long (`--remove`). `-#` is a numeric option (`xz -9`,
  `zstd -19`): the digits are its value.
- VALUE: `=` takes a value (attached or the next word); `=?` an optional value, attached only
  (`--color=always`); `=@` a value that must be attached (`zstd -T4`).
- MARKS: `~KIND` an optional value also taken from the next word when that word looks like one
  (`journalctl -b -1`); `*` repeats count (`lspci -vv`); `<noun>` what the value is, for
  feedback ("another field for -F"); `default:VALUE` a value that is the same as leaving the
  option out (`default:release` is the running kernel's release, `$(uname -r)`);
  `>--name=value` the option is a shorthand for another (`modinfo -l` is `--field=license`,
  `xz --best` is `-#=9`).
- EFFECT: whether the option changes what the command does:
  `acts` it does; `dry-run` the command only shows what it would do (then the options that only
  change messages count too, because the messages are the outcome); `force` it overrides a
  safety check; `output` it only changes the messages the command prints about its work;
  `same` the outcome is the same, reached another way (faster, without a prompt). `output` and
  `same` options may be added or left out of an answer unless its question is strict.
- REASON: why, in the man page's terms; a line starting with `|` continues it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from quizzes.shellwords import RELEASE

# An optional value taken from the next word when it matches (`~boot`, `~lines`, `~number`).
GREEDY: dict[str, re.Pattern[str]] = {
    "boot": re.compile(r"(?:all|[+-]?\d+|[0-9a-fA-F]{32}(?:[+-]\d+)?)\Z"),
    "lines": re.compile(r"(?:all|\+?\d+)\Z"),
    "number": re.compile(r"\d+(?:\.\d+)?\Z"),
    "word": re.compile(r"[^-]"),
}
_DEFAULT_WORDS = {"release": RELEASE}


class TableError(ValueError):
    """A line of the option table does not follow the grammar (a bug in the table)."""


class Arg(enum.Enum):
    """Whether an option takes a value."""

    NONE = "none"
    REQUIRED = "required"
    OPTIONAL = "optional"


class Effect(enum.Enum):
    """What an option does to the outcome of the command (see the module docstring)."""

    ACTS = "acts"
    DRY_RUN = "dry-run"
    FORCE = "force"
    OUTPUT = "output"
    SAME = "same"

    @property
    def ignorable(self) -> bool:
        """May be added or left out of an answer: the command does the same thing."""
        return self in (Effect.OUTPUT, Effect.SAME)


@dataclass(frozen=True)
class Option:
    """One option of a tool: its aliases, its value, and what it does."""

    names: tuple[str, ...]
    arg: Arg = Arg.NONE
    effect: Effect = Effect.ACTS
    reason: str = ""
    greedy: re.Pattern[str] | None = None
    attached: bool = False  # the value must be attached to the option (`-T4`)
    counted: bool = False  # `-v` and `-vv` differ
    noun: str = "value"
    default: str | None = None
    implies: tuple[str, str | None] | None = None
    digits: int = 0  # a numeric option (`-#`): how many digits its value may have

    @property
    def name(self) -> str:
        """The canonical name: the first long alias, or the short one when there is none."""
        return next((n for n in self.names if n.startswith("--")), self.names[0])

    @property
    def short_names(self) -> tuple[str, ...]:
        return tuple(n for n in self.names if len(n) == 2 and n != "-#")

    @property
    def long_names(self) -> tuple[str, ...]:
        return tuple(n for n in self.names if n.startswith("--"))


@dataclass(frozen=True)
class Tool:
    """A tool of the table: its options and how its command line is parsed.

    `permute`: options may follow positional arguments (getopt_long's default); when False,
    the first positional argument ends the options (a `+` optstring: `sudo`, `trace-cmd record`).
    `cluster`: short flags combine (`-rv`). `abbreviate`: long options may be shortened while
    unambiguous. `subcommands`: `udevadm info`, `trace-cmd record`, each with its own options.
    """

    name: str
    options: tuple[Option, ...]
    source: str = ""
    permute: bool = True
    cluster: bool = True
    abbreviate: bool = True
    subcommands: Mapping[str, Tool] = field(default_factory=lambda: MappingProxyType({}))

    def short(self, char: str) -> Option | None:
        return next((o for o in self.options if "-" + char in o.names), None)

    def numeric(self) -> Option | None:
        return next((o for o in self.options if o.digits), None)

    def long(self, name: str) -> tuple[Option | None, bool]:
        """The option a `--name` means (getopt's unambiguous prefixes too), and if ambiguous."""
        for option in self.options:
            if name in option.names:
                return option, False
        if not self.abbreviate:
            return None, False
        found = {o for o in self.options for n in o.long_names if n.startswith(name)}
        if len(found) == 1:
            return found.pop(), False
        return None, len(found) > 1

    def by_name(self, canonical: str) -> Option | None:
        return next((o for o in self.options if o.name == canonical), None)


def parse_options(tool: str, text: str) -> tuple[Option, ...]:
    """The options of one tool's table text (see the module docstring for the grammar)."""
    options: list[Option] = []
    seen: set[str] = set()
    for number, line in _joined_lines(text):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3:
            raise TableError(f"{tool}, line {number}: expected 'NAMES | EFFECT | REASON'")
        spec, effect_word, reason = parts
        try:
            effect = Effect(effect_word)
        except ValueError:
            raise TableError(f"{tool}, line {number}: unknown effect {effect_word!r}") from None
        if effect.ignorable and not reason:
            raise TableError(f"{tool}, line {number}: an {effect.value} option needs a reason")
        option = _option(tool, number, spec.split(), effect, reason)
        if clash := seen & set(option.names):
            raise TableError(f"{tool}, line {number}: {sorted(clash)} listed twice")
        seen |= set(option.names)
        options.append(option)
    return tuple(options)


def _joined_lines(text: str) -> list[tuple[int, str]]:
    """The option lines with their numbers; a line starting with `|` continues the reason."""
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("|") and lines:
            lines[-1] = (lines[-1][0], lines[-1][1].rstrip() + " " + stripped[1:].strip())
        else:
            lines.append((number, line))
    return lines


def _option(tool: str, number: int, tokens: list[str], effect: Effect, reason: str) -> Option:
    names: list[str] = []
    values: dict[str, object] = {"effect": effect, "reason": reason}
    for token in tokens:
        if token == "-#":
            names.append(token)
            values["digits"] = 2
        elif token.startswith("-"):
            names.append(token)
        elif token == "=":
            values["arg"] = Arg.REQUIRED
        elif token == "=@":
            values["arg"], values["attached"] = Arg.REQUIRED, True
        elif token == "=?":
            values["arg"] = Arg.OPTIONAL
        elif token.startswith("~") and token[1:] in GREEDY:
            values["greedy"] = GREEDY[token[1:]]
        elif token == "*":
            values["counted"] = True
        elif token.startswith("<") and token.endswith(">"):
            values["noun"] = token[1:-1].replace("-", " ")
        elif token.startswith("default:"):
            word = token.removeprefix("default:")
            values["default"] = _DEFAULT_WORDS.get(word, word)
        elif token.startswith(">-"):
            target, eq, value = token[1:].partition("=")
            values["implies"] = (target, value if eq else None)
        else:
            raise TableError(f"{tool}, line {number}: cannot read {token!r}")
    if not names:
        raise TableError(f"{tool}, line {number}: an option needs a name")
    if values.get("digits") and len(names) == 1:
        values["arg"] = Arg.REQUIRED
    return Option(tuple(names), **values)  # type: ignore[arg-type]


def make_tool(
    name: str,
    source: str,
    text: str,
    *,
    permute: bool = True,
    cluster: bool = True,
    abbreviate: bool = True,
    subcommands: Mapping[str, Tool] | None = None,
) -> Tool:
    """A Tool from its table text; raises TableError when a line does not follow the grammar."""
    return Tool(
        name=name,
        options=parse_options(name, text),
        source=source,
        permute=permute,
        cluster=cluster,
        abbreviate=abbreviate,
        subcommands=MappingProxyType(dict(subcommands or {})),
    )
