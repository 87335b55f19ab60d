"""Parse a table tool's arguments the way the tool itself does (getopt_long, mostly).

Options may come in any order and between positional arguments (unless the tool stops at its
first positional argument), short flags combine (`-rv`), a short option that takes a value
takes the rest of its word or the next word (`-Flicense`, `-F license`), a long one takes
`=value` or the next word, long names may be abbreviated while unambiguous, and `--` ends the
options. Every word keeps the number it had in the learner's line, for feedback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from quizzes.shell_options.table import Arg, Option, Tool


@dataclass(frozen=True)
class Word:
    """A word of the command line and its position in the learner's line (0: not typed)."""

    text: str
    number: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Given:
    """One option as given: canonical name and value; how and where it was written."""

    name: str
    value: str | None
    spelled: str = field(default="", compare=False)
    number: int = field(default=0, compare=False)
    option: Option | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Invocation:
    """A table tool's command line, parsed: options in the order given, positionals in order."""

    tool: str
    given: tuple[Given, ...]
    positionals: tuple[Word, ...]
    unknown: tuple[Word, ...] = ()  # options the table does not know (or ambiguous), as written
    problems: tuple[str, ...] = ()  # e.g. "option -F needs a value"
    table: Tool | None = field(default=None, compare=False, repr=False)

    @property
    def options(self) -> frozenset[tuple[str, str | None]]:
        """The options as a set of (canonical name, value as written)."""
        return frozenset((g.name, g.value) for g in self.given)

    def spelling(self, canonical: str) -> str:
        """How the option `canonical` was first written (its canonical name when it was not)."""
        return next((g.spelled for g in self.given if g.name == canonical), canonical)


@dataclass
class _State:
    tool: Tool
    given: list[Given] = field(default_factory=list)
    positionals: list[Word] = field(default_factory=list)
    unknown: list[Word] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, option: Option, spelled: str, value: str | None, number: int) -> None:
        if option.implies:
            target, implied = option.implies
            found = self.tool.by_name(target) or option
            value = implied if value is None else value
            self.given.append(Given(found.name, value, spelled, number, found))
        else:
            self.given.append(Given(option.name, value, spelled, number, option))


def parse_invocation(
    tool: Tool, args: Sequence[str], numbers: Sequence[int] | None = None
) -> Invocation:
    """Parse the arguments of `tool` (the words after the command name) as the tool does.

    `numbers` are the words' positions in the learner's line, for feedback.
    """
    marks = list(numbers) if numbers is not None else [0] * len(args)
    state = _State(tool)
    index, only_positionals, at_start = 0, False, True
    while index < len(args):
        word, number = args[index], marks[index]
        index += 1
        if only_positionals or word == "-" or not word.startswith("-"):
            if at_start and word in state.tool.subcommands and not only_positionals:
                state.tool = state.tool.subcommands[word]
                continue
            at_start = False
            state.positionals.append(Word(word, number))
            if not state.tool.permute:
                only_positionals = True
            continue
        if word == "--":
            only_positionals = True
            continue
        if word.startswith("--"):
            index = _long(state, word, number, args, index)
        elif not state.tool.cluster:
            index = _whole_short(state, word, number, args, index)
        else:
            index = _cluster(state, word, number, args, index)
    return Invocation(
        tool=state.tool.name,
        given=tuple(state.given),
        positionals=tuple(state.positionals),
        unknown=tuple(state.unknown),
        problems=tuple(state.problems),
        table=state.tool,
    )


def _long(state: _State, word: str, number: int, args: Sequence[str], index: int) -> int:
    name, eq, value = word.partition("=")
    option, ambiguous = state.tool.long(name)
    if option is None:
        state.unknown.append(Word(name, number))
        if ambiguous:
            state.problems.append(f"option {name} is ambiguous")
        return index
    if eq and option.arg is Arg.NONE:
        state.problems.append(f"option {name} takes no value")
        state.add(option, name, None, number)
    elif eq:
        state.add(option, name, value, number)
    else:
        found, index = _value_after(state, option, name, args, index)
        state.add(option, name, found, number)
    return index


def _whole_short(state: _State, word: str, number: int, args: Sequence[str], index: int) -> int:
    # Tools with their own parser (dkms): a short option is a word of its own.
    option = state.tool.short(word[1]) if len(word) == 2 else None
    if option is None:
        state.unknown.append(Word(word, number))
        return index
    found, index = _value_after(state, option, word, args, index)
    state.add(option, word, found, number)
    return index


def _cluster(state: _State, word: str, number: int, args: Sequence[str], index: int) -> int:
    pos = 1
    numeric = state.tool.numeric()
    while pos < len(word):
        char = word[pos]
        if char.isdigit() and numeric is not None:
            end = pos
            while end < len(word) and word[end].isdigit() and end - pos < numeric.digits:
                end += 1
            state.add(numeric, "-" + word[pos:end], word[pos:end], number)
            pos = end
            continue
        option = state.tool.short(char)
        if option is None:
            state.unknown.append(Word("-" + char, number))
            pos += 1
            continue
        spelled, rest = "-" + char, word[pos + 1 :]
        if option.arg is Arg.NONE:
            state.add(option, spelled, None, number)
            pos += 1
            continue
        if rest:
            state.add(option, spelled, rest, number)
        else:
            found, index = _value_after(state, option, spelled, args, index)
            state.add(option, spelled, found, number)
        break
    return index


def _value_after(
    state: _State, option: Option, spelled: str, args: Sequence[str], index: int
) -> tuple[str | None, int]:
    """The value of an option written without an attached one, and the next index."""
    if option.arg is Arg.NONE or option.attached:
        return None, index
    if option.arg is Arg.REQUIRED:
        if index < len(args):
            return args[index], index + 1
        state.problems.append(f"option {spelled} needs a value")
        return None, index
    if option.greedy and index < len(args) and option.greedy.match(args[index]):
        return args[index], index + 1
    return None, index
