"""Spellings of a command line that do what it does (see the package docstring)."""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from typing import Any

from quizzes.shell_options import TOOLS, Arg, Effect, Given, Option, Tool, parse_invocation
from quizzes.shell_options.commands import split_command
from quizzes.shell_options.meaning import is_module_file, meaning_of, undone_by
from quizzes.shell_variants.quoting import SAFE, quote
from quizzes.shellwords import PWD, RELEASE, ShellSyntaxError, Stage, split_command_line

_SUDO_FORMS = ("sudo", "sudo -E", "sudo -n", "sudo -u root", "sudo --", "sudo -H", "sudo -En")
_SBIN_DIRECTORIES = ("/usr/sbin/", "/sbin/")  # where Debian and Fedora install these tools
_SBIN_TOOLS = frozenset({"modprobe", "insmod", "rmmod", "modinfo", "depmod", "lsmod", "sysctl"})
_BIN_DIRECTORIES = ("/usr/bin/", "/bin/")
_BUILTINS = frozenset({"echo", "printf", "cd", "test", "["})


@dataclass
class _Unit:
    """Words that move together: one option with its value, or one argument.

    `short` is set when the unit starts with a short option that may end a cluster (`-rv` + `F`
    = `-rvF license`); `open` when more flags may follow it in its cluster (it takes no value).
    """

    words: list[str]
    option: Option | None = None
    short: str = ""
    open: bool = False
    role: str = ""


def _seed(line: str, seed: int) -> int:
    return zlib.crc32(line.encode()) ^ seed


def variants(
    line: str, spec: dict[str, Any] | None = None, *, count: int = 300, seed: int = 0
) -> list[str]:
    """Up to `count` distinct lines equivalent to `line` for a question with `spec`."""
    spec = spec or {}
    try:
        pipelines = split_command_line(line)
    except ShellSyntaxError:
        return []
    rng = random.Random(_seed(line, seed))
    strict = bool(spec.get("strict_options", False))
    literal = bool(spec.get("allow_literal_release", True))
    found: dict[str, None] = {}
    for _ in range(count):
        parts: list[str] = []
        for pipeline in pipelines:
            stages = [_render_stage(s, rng, strict, literal) for s in pipeline.stages]
            if rng.random() < 0.3 and pipeline.stages[-1].redirects:
                stages = _as_tee(pipeline.stages, stages, rng, strict, literal)
            glue = rng.choice((" | ", "|", " |  "))
            parts.append(glue.join(stages))
            if pipeline.terminator:
                parts.append(f" {pipeline.terminator} " if pipeline.terminator != "&" else " & ")
        text = "".join(parts).strip()
        if rng.random() < 0.1:
            text += ";"
        found.setdefault(text, None)
    return list(found)


def _as_tee(
    stages: tuple[Stage, ...], rendered: list[str], rng: random.Random, strict: bool, literal: bool
) -> list[str]:
    last = stages[-1]
    if len(last.redirects) != 1 or last.redirects[0][0] not in (">", ">>"):
        return rendered
    op, target = last.redirects[0]
    plain = Stage(last.words, (), last.numbers)
    tee = rng.choice(("tee", "sudo tee", "/usr/bin/tee"))
    append = " -a" if op == ">>" else ""
    quiet = rng.choice(("", " >/dev/null", " > /dev/null"))
    head = _render_stage(plain, rng, strict, literal)
    return [*rendered[:-1], head, f"{tee}{append} {quote(target, rng, literal)}{quiet}"]


def _render_stage(stage: Stage, rng: random.Random, strict: bool, literal: bool) -> str:
    command = split_command(stage.words)
    words = list(stage.words)
    sudo_count = len(words) - len(command.args) - 1 if command.name else 0
    prefix: list[str] = []
    # `sudo echo 1 > FILE` is accepted (it works in a root shell), but it is the classic mistake
    # for everyone else: the shell opens FILE before sudo runs. It is not drawn.
    writes = any(op in (">", ">>") for op, _ in stage.redirects)
    if sudo_count == 0 and command.name and not writes and rng.random() < 0.4:
        prefix = rng.choice(_SUDO_FORMS).split()
    head = words[:sudo_count]
    name_word = words[sudo_count] if command.name else ""
    tool = TOOLS.get(command.name)
    args = [w.text for w in command.args]
    if tool is not None and not command.implied and "/" not in name_word:
        body = _render_tool(tool, args, rng, strict, literal)
    else:
        body = [quote(a, rng, literal) for a in args]
        if command.name == "echo":
            body = _echo_words(args, rng, literal) or body
    plain_name = command.name and "/" not in name_word and command.name not in _BUILTINS
    if plain_name and not command.implied and rng.random() < 0.25:
        places = _SBIN_DIRECTORIES if command.name in _SBIN_TOOLS else _BIN_DIRECTORIES
        name_word = rng.choice(places) + name_word
    pieces = [*prefix, *head, name_word, *body] if command.name else [*prefix, *head]
    for op, target in stage.redirects:
        gap = rng.choice(("", " "))
        pieces.append(f"{op}{gap}{quote(target, rng, literal)}")
    return rng.choice((" ", " ", "  ")).join(p for p in pieces if p != "")


def _echo_words(args: list[str], rng: random.Random, literal: bool) -> list[str]:
    # `echo 'a b'` prints what `echo a b` prints; only plain words can be split or joined.
    text = " ".join(args)
    if "  " in text or not all(SAFE.match(w) for w in text.split()):
        return []
    if rng.random() < 0.5:
        return [quote(text, rng, literal)]
    return [quote(w, rng, literal) for w in text.split()]


def _render_tool(
    tool: Tool, args: list[str], rng: random.Random, strict: bool, literal: bool
) -> list[str]:
    call = parse_invocation(tool, args)
    if call.unknown or call.problems:
        return [quote(a, rng, literal) for a in args]
    table = call.table or tool
    meaning = meaning_of(call, strict=strict)
    roles = {o.shown: o.role for o in (*meaning.operands, *meaning.keyed) if o.shown}
    dry_run = any(g.option is not None and g.option.effect is Effect.DRY_RUN for g in call.given)
    options = list(call.given)
    if not strict and not dry_run:
        options = [g for g in options if not (g.option and g.option.effect.ignorable)] + [
            g for g in options if g.option and g.option.effect.ignorable and rng.random() < 0.5
        ]
        options += _extra_ignorable(table, options, rng)
    words_given = [w.text for w in call.positionals]
    options = _defaults(table, call.tool, options, words_given, rng, strict)
    units = [_option_unit(table, g, rng) for g in options]
    positionals = _positional_units(call.tool, words_given, roles, rng)
    subcommand = call.tool.split(" ", 1)[1] if " " in call.tool else ""
    if not table.permute or "--" in args:
        rng.shuffle(units)
        ordered = units + positionals
    else:
        ordered = positionals[:]
        for unit in units:
            ordered.insert(rng.randint(0, len(ordered)), unit)
    if "--" in args:
        ordered = (
            [u for u in ordered if u.option is not None]
            + [_Unit(["--"])]
            + [u for u in ordered if u.option is None]
        )
    words = _cluster(ordered, table, rng)
    if subcommand:  # the tool's own options (`udevadm --debug`) come before the subcommand
        root = [u for u in ordered if u.option is not None and u.option in tool.options]
        words = (
            [w for u in root for w in u.words]
            + [subcommand]
            + _cluster([u for u in ordered if u not in root], table, rng)
        )
    return [quote(w, rng, literal) for w in words]


def _extra_ignorable(tool: Tool, options: list[Given], rng: random.Random) -> list[Given]:
    present = {g.name for g in options}
    pool = [
        o
        for o in tool.options
        if o.effect.ignorable
        and o.arg is Arg.NONE
        and o.name not in present
        and not o.implies
        and not undone_by(tool.name, o.name) & present  # `zstd --rm -k` keeps the files
    ]
    picked = rng.sample(pool, k=min(len(pool), rng.choice((0, 0, 1, 2))))
    return [Given(o.name, None, o.name, 0, o) for o in picked]


def _defaults(
    tool: Tool,
    name: str,
    options: list[Given],
    positionals: list[str],
    rng: random.Random,
    strict: bool,
) -> list[Given]:
    """The options with documented defaults made explicit, or explicit defaults left out."""
    if strict:
        return options
    present = {g.name for g in options}
    out = list(options)
    for option in tool.options:
        if option.default is None or option.name in present or rng.random() < 0.6:
            continue
        if name == "dkms" and not set(positionals) & {"build", "install", "uninstall"}:
            continue
        out.append(Given(option.name, option.default, option.name, 0, option))
    implied = {
        # depmod(8): -a "is enabled by default if no file names are given".
        ("depmod", "--all"): len(positionals) <= 1,
        # journalctl(1): -k "implies -b".
        ("journalctl", "--boot"): "--dmesg" in present,
        # sysctl.c: an argument holding '=' is written without -w.
        ("sysctl", "--write"): bool(positionals) and all("=" in p for p in positionals),
    }
    for (tool_name, option_name), holds in implied.items():
        option = tool.by_name(option_name)
        if tool_name != name or not holds or option is None or rng.random() < 0.5:
            continue
        if option_name in present:
            out = [g for g in out if not (g.name == option_name and g.value is None)]
        else:
            out.append(Given(option_name, None, option_name, 0, option))
    return out


def _option_unit(tool: Tool, given: Given, rng: random.Random) -> _Unit:
    option = given.option
    if option is None:
        return _Unit([given.spelled])
    source = tool.short(given.spelled[1]) if _is_short(given.spelled) else None
    if given.spelled.startswith("--"):
        source = tool.long(given.spelled.partition("=")[0])[0]
    if source is not None and source.implies is not None:
        if rng.random() < 0.5 or option is source:
            return _flag_unit(_pick_name(tool, source, rng), source)
        option = tool.by_name(source.implies[0]) or option
    if option.digits:
        return _Unit([f"-{given.value}"], option)
    if given.value is not None and option.counted and given.value.startswith("×"):
        times = int(given.value[1:])
        if option.short_names and rng.random() < 0.5:
            return _Unit(["-" + option.short_names[0][1] * times], option)
        return _Unit([_pick_name(tool, option, rng) for _ in range(times)], option)
    name = _pick_name(tool, option, rng)
    value = given.value
    if value is None:
        return _flag_unit(name, option)
    if option.attached or option.arg is Arg.OPTIONAL:
        return _Unit([f"{name}={value}" if name.startswith("--") else f"{name}{value}"], option)
    if name.startswith("--"):
        return _Unit([f"{name}={value}"] if rng.random() < 0.5 else [name, value], option)
    if tool.cluster and rng.random() < 0.4:
        return _Unit([f"{name}{value}"], option)
    return _Unit([name, value], option, short=name)


def _flag_unit(name: str, option: Option) -> _Unit:
    short = name if _is_short(name) else ""
    return _Unit([name], option, short=short, open=bool(short) and option.arg is Arg.NONE)


def _is_short(name: str) -> bool:
    return len(name) == 2 and name[0] == "-" and name[1] != "-"


def _short_of(option: Option) -> str:
    return option.short_names[0] if option.short_names else ""


def _pick_name(tool: Tool, option: Option, rng: random.Random) -> str:
    name = rng.choice([n for n in option.names if n != "-#"])
    if name.startswith("--") and tool.abbreviate and rng.random() < 0.3:
        # getopt_long takes any unambiguous prefix of a long option.
        shortest = next(
            (cut for cut in range(4, len(name)) if tool.long(name[:cut]) == (option, False)),
            len(name),
        )
        return name[: rng.randint(shortest, len(name))]
    return name


def _positional_units(
    tool: str, words: list[str], roles: dict[str, str], rng: random.Random
) -> list[_Unit]:
    units = [_Unit([_respell(w, roles.get(w, ""), rng)], role=roles.get(w, "")) for w in words]
    params = [i for i, u in enumerate(units) if u.role == "parameter"]
    shuffled = [units[i] for i in params]
    rng.shuffle(shuffled)
    for index, unit in zip(params, shuffled, strict=True):
        units[index] = unit
    if tool == "depmod" and rng.random() < 0.3:
        if not words:
            units.insert(0, _Unit([RELEASE], role="kernel release"))
        elif words[0] == RELEASE and len(words) == 1:
            units.pop(0)
    if tool == "make":
        targets = [u for u in units if u.role == "target"]
        has_m = any(w.startswith("M=") for w in words)
        if has_m and len(targets) == 1 and targets[0].words == ["modules"] and rng.random() < 0.4:
            units.remove(targets[0])
        elif has_m and not targets and rng.random() < 0.4:
            units.append(_Unit(["modules"], role="target"))
    return units


def _respell(word: str, role: str, rng: random.Random) -> str:
    if role == "module" and not is_module_file(word) and "[" not in word:
        return "".join(rng.choice("-_") if c in "-_" else c for c in word)
    if role == "parameter":
        name, eq, value = word.partition("=")
        return "".join(rng.choice("-_") if c in "-_" else c for c in name) + eq + value
    if role in ("module file", "file", "device") and _relative(word) and rng.random() < 0.6:
        return rng.choice(("./", PWD + "/")) + word.removeprefix("./")
    if role == "make variable" and word.endswith("=" + PWD) and rng.random() < 0.3:
        return word + "/"
    return word


def _relative(word: str) -> bool:
    return not word.startswith(("/", "~", "$", "`", "-", "..")) and word != ""


def _cluster(units: list[_Unit], tool: Tool, rng: random.Random) -> list[str]:
    words: list[str] = []
    joinable = False  # the last word is a cluster of flags that take no value
    for unit in units:
        if tool.cluster and unit.short and joinable and rng.random() < 0.5:
            words[-1] += unit.short[1]
            words += unit.words[1:]
            joinable = unit.open
            continue
        words += unit.words
        joinable = unit.open
    return words
