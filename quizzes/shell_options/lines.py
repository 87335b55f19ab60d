"""What a whole command line does: pipelines of stages, each with its command, sudo's
significant options and its redirections (docs/formats.md, `shell_command`).

A stage's command is found past `sudo` (commands.py); a table tool's arguments become what they
do (meaning.py); another command keeps its words, except `echo`, whose words are what it prints
(joined by one space), read as a modprobe.d or modules-load.d line when it writes such a file.
`X | tee FILE` writes FILE as `X > FILE` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from quizzes.shell_options.commands import normalise_path, split_command
from quizzes.shell_options.meaning import Meaning, meaning_of, module_name
from quizzes.shell_options.parsing import Given, Word, parse_invocation
from quizzes.shell_options.registry import TOOLS
from quizzes.shellwords import PWD, Pipeline, Stage, literal_release_to_substitution

_MODPROBE_D = ("/etc/modprobe.d/", "/run/modprobe.d/", "/usr/lib/modprobe.d/", "/lib/modprobe.d/")
_MODULES_LOAD = (
    "/etc/modules-load.d/",
    "/run/modules-load.d/",
    "/usr/lib/modules-load.d/",
    "/lib/modules-load.d/",
)
_ECHO_FLAG_CHARS = frozenset("neE")
_TEE_OPTIONS = {"-a": "--append", "--append": "--append", "-i": "", "--ignore-interrupts": ""}


@dataclass(frozen=True)
class Plain:
    """A command outside the option table: its name and its arguments, word by word."""

    tool: str
    words: tuple[Word, ...]


@dataclass(frozen=True)
class StageMeaning:
    """What one stage does: its command, sudo's significant options, its redirections."""

    command: Meaning | Plain
    sudo: tuple[Given, ...] = ()
    env: tuple[Word, ...] = ()
    redirects: tuple[tuple[str, str], ...] = ()
    number: int = field(default=0, compare=False)


Line = tuple[tuple[tuple[StageMeaning, ...], str], ...]


def line_meaning(pipelines: tuple[Pipeline, ...], literal_release: bool, strict: bool) -> Line:
    """What each stage of each pipeline does, with the operator that ends the pipeline."""
    return tuple(
        (
            tuple(stage_meaning(s, literal_release, strict) for s in _fold_tee(p.stages)),
            p.terminator,
        )
        for p in pipelines
    )


def _fold_tee(stages: tuple[Stage, ...]) -> tuple[Stage, ...]:
    # `X | tee FILE` writes FILE as `X > FILE` does (`tee -a` as `>>`); the copy tee prints is
    # only output. Only a last stage `tee` with one file and nothing else to do is folded.
    if len(stages) < 2:
        return stages
    last = stages[-1]
    command = split_command(last.words, last.numbers)
    if command.name != "tee" or command.sudo or last.redirects not in ((), ((">", "/dev/null"),)):
        return stages
    append, files = False, []
    for word in command.args:
        if word.text in _TEE_OPTIONS:
            append = append or _TEE_OPTIONS[word.text] == "--append"
        elif word.text.startswith("-") and word.text != "-":
            return stages
        else:
            files.append(word)
    if len(files) != 1:
        return stages
    previous = stages[-2]
    redirect = (">>" if append else ">", files[0].text)
    folded = replace(previous, redirects=(*previous.redirects, redirect))
    return (*stages[:-2], folded)


def stage_meaning(stage: Stage, literal_release: bool, strict: bool) -> StageMeaning:
    """What one stage does (see the module docstring)."""
    fix = literal_release_to_substitution if literal_release else str
    numbers = stage.numbers or tuple(range(1, len(stage.words) + 1))
    command = split_command([fix(w) for w in stage.words], numbers)
    redirects = tuple(
        (op, target if "&" in op else normalise_path(fix(target))) for op, target in stage.redirects
    )
    tool = TOOLS.get(command.name)
    meaning: Meaning | Plain
    if tool is None:
        meaning = _plain(command.name, command.args, redirects)
    else:
        args = [*command.implied, *(w.text for w in command.args)]
        marks = [0] * len(command.implied) + [w.number for w in command.args]
        call = parse_invocation(tool, args, marks)
        if literal_release:  # an attached value (`-k6.1.0-18-amd64`) is a word of its own now
            fixed = tuple(replace(g, value=fix(g.value)) if g.value else g for g in call.given)
            call = replace(call, given=fixed)
        meaning = meaning_of(call, strict=strict)
    sudo = tuple(sorted(command.sudo, key=lambda g: (g.name, g.value or "")))
    return StageMeaning(meaning, sudo, command.env, redirects, command.number)


def _plain(name: str, args: tuple[Word, ...], redirects: tuple[tuple[str, str], ...]) -> Plain:
    words = [Word(_plain_word(w.text), w.number) for w in args]
    if name == "echo":
        words = _echo(words, [target for op, target in redirects if op in (">", ">>")])
    return Plain(name, tuple(words))


def _plain_word(word: str) -> str:
    if word.startswith(("./", PWD + "/", "~/")) or (word.startswith("/") and len(word) > 1):
        return normalise_path(word)
    return word


def _echo(words: list[Word], targets: list[str]) -> list[Word]:
    # echo prints its arguments joined by one space: `echo a b` = `echo 'a b'`. Its options
    # (-n, -e, -E, combined) come first and count.
    flags: list[Word] = []
    while words and len(words[0].text) > 1 and words[0].text[0] == "-":
        if not set(words[0].text[1:]) <= _ECHO_FLAG_CHARS:
            break
        flags.append(Word("-" + "".join(sorted(set(words[0].text[1:]))), words[0].number))
        words = words[1:]
    if not words:
        return flags
    text = " ".join(w.text for w in words)
    if any(t.startswith(_MODPROBE_D) for t in targets):
        text = _modprobe_d_line(text)
    elif any(t.startswith(_MODULES_LOAD) or t == "/etc/modules" for t in targets):
        text = " ".join(module_name(w) for w in text.split())
    return [*flags, Word(text, words[0].number)]


def _modprobe_d_line(text: str) -> str:
    """A modprobe.d(5) line with its module names normalised (`-` is `_`, as kmod reads them)."""
    words = text.split()
    if not words:
        return text
    directive, rest = words[0], words[1:]
    if directive in ("blacklist", "install", "remove") and rest:
        rest = [module_name(rest[0]), *rest[1:]]
    elif directive == "options" and rest:
        params = sorted(
            f"{name.replace('-', '_')}{eq}{value}"
            for name, eq, value in (p.partition("=") for p in rest[1:])
        )
        rest = [module_name(rest[0]), *params]
    elif directive in ("alias", "softdep", "weakdep"):
        rest = [w if w in ("pre:", "post:") else module_name(w) for w in rest]
    return " ".join([directive, *rest])
