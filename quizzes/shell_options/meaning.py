"""What a table tool's command line does, in one form that every equivalent spelling shares.

`meaning_of(invocation)` applies the rules of docs/formats.md ("Commands graded by what they
do"), each from the tool's man page:

- module names: `-` and `_` are the same wherever kmod takes a module name or alias (kmod
  normalises both, outside `[...]` patterns); module parameters (`name=value` after the module)
  are a set, and `-`/`_` in their names are the same (the kernel's parameq());
- files: one spelling per file (`./a.ko` = `$PWD/a.ko` = `a.ko`, see normalise_path);
- defaults made explicit equal their absence: `depmod` is `depmod -a` when no module file is
  given; a kernel release naming the running kernel (`$(uname -r)`) is no release for depmod,
  `modinfo -k`, `modprobe -S`, `dkms -k`; kbuild's `make -C DIR M=DIR` builds `modules`; the
  table's `default:` values (`udevadm trigger -c change`, `sudo -u root`) and more below;
- options whose effect is `output` or `same` are set aside (`ignored`) unless the question is
  strict or the command is a dry run (then what it prints is the outcome).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from quizzes.shell_options.commands import normalise_path
from quizzes.shell_options.parsing import Given, Invocation, Word
from quizzes.shell_options.table import Effect, Option
from quizzes.shellwords import PWD, RELEASE


@dataclass(frozen=True)
class Operand:
    """A positional argument by its role (`module`, `target`), or a keyed one (`parameter`)."""

    role: str
    value: str
    key: str = ""
    shown: str = field(default="", compare=False)
    number: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Meaning:
    """What a command does: tool, significant options, operands in order, keyed operands."""

    tool: str
    options: tuple[Given, ...]
    operands: tuple[Operand, ...]
    keyed: tuple[Operand, ...] = ()
    unknown: tuple[Word, ...] = ()
    problems: tuple[str, ...] = ()
    ignored: tuple[Given, ...] = field(default=(), compare=False)


_KMOD_EXTENSIONS = (".ko", ".ko.gz", ".ko.xz", ".ko.zst")
_ASSIGNMENT_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*([:+?!]?=)(.*)\Z", re.DOTALL)
_DKMS_ACTION_RE = re.compile(
    r"(remove|(auto|un)?install|match|mktarball|(un)?build|add|status|ldtarball|generate_mok"
    r"|kernel_(preinst|postinst|prerm))\Z"
)
_DKMS_RUNNING_KERNEL_DEFAULT = frozenset({"build", "install", "uninstall"})
_PRIORITIES = ("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug")
_PATH_NOUNS = frozenset({"file", "directory", "sysfs path"})
_CURRENT_BOOT = frozenset({None, "0", "-0", "+0"})

_Parts = tuple[str, list[Given], list[Operand], list[Operand]]


def module_name(word: str) -> str:
    """kmod's alias_normalize(): `-` is `_` except inside a `[...]` pattern."""
    out: list[str] = []
    depth = 0
    for char in word:
        depth += char == "["
        depth -= char == "]" and depth > 0
        out.append("_" if char == "-" and not depth else char)
    return "".join(out)


def is_module_file(word: str) -> bool:
    """A module argument that names a file: it has a slash or a module file's extension."""
    return "/" in word or word.endswith(_KMOD_EXTENSIONS)


def meaning_of(invocation: Invocation, *, strict: bool = False) -> Meaning:
    """What `invocation` does (see the module docstring); strict keeps every option."""
    rule = _RULES.get(invocation.tool, _plain)
    ignored: list[Given] = []  # what the rules set aside as implied
    tool, given, operands, keyed = rule(invocation, strict, ignored)
    given = _counted([_normalise_value(g) for g in given])
    kept: list[Given] = []
    dry_run = any(g.option is not None and g.option.effect is Effect.DRY_RUN for g in given)
    for g in given:
        option = g.option
        if option is not None and not strict:
            if option.default is not None and g.value == option.default:
                ignored.append(g)
                continue
            if option.effect.ignorable and not dry_run:
                ignored.append(g)
                continue
        kept.append(g)
    return Meaning(
        tool=tool,
        options=tuple(sorted(set(kept), key=_given_key)),
        operands=tuple(operands),
        keyed=tuple(sorted(set(keyed), key=lambda o: (o.role, o.key, o.value))),
        unknown=invocation.unknown,
        problems=invocation.problems,
        ignored=tuple(ignored),
    )


def _given_key(given: Given) -> tuple[str, str]:
    return (given.name, given.value or "")


def _normalise_value(given: Given) -> Given:
    value, option = given.value, given.option
    if value is None or option is None:
        return given
    if option.noun in _PATH_NOUNS or value.startswith(("/", "./", PWD, "~/")):
        value = normalise_path(value)
    elif option.noun == "field":
        value = value.lower()
    elif option.noun in ("level list", "facility list"):
        value = ",".join(sorted({v.strip().lower() for v in value.split(",")}))
    elif option.noun == "priority":
        value = _priority_range(value)
    return dataclasses.replace(given, value=value)


def _counted(given: list[Given]) -> list[Given]:
    counts = Counter(g.name for g in given if g.option is not None and g.option.counted)
    out: list[Given] = []
    for g in given:
        if g.name in counts:
            if counts[g.name] == 0:
                continue
            times, counts[g.name] = counts[g.name], 0
            g = dataclasses.replace(g, value=None if times == 1 else f"×{times}")
        out.append(g)
    return out


def _priority_range(value: str) -> str:
    # journalctl -p: a level means it and every more severe one; FROM..TO is a range.
    def level(text: str) -> str:
        text = text.strip().lower()
        return str(_PRIORITIES.index(text)) if text in _PRIORITIES else text

    low, dots, high = value.partition("..")
    if not dots:
        return f"0..{level(value)}"
    return f"{level(low) or '0'}..{level(high) or '7'}"


def _names(given: list[Given]) -> set[str]:
    return {g.name for g in given}


def _operand(role: str, word: Word, value: str | None = None) -> Operand:
    return Operand(role, word.text if value is None else value, "", word.text, word.number)


def _module_or_file(word: Word) -> Operand:
    if is_module_file(word.text):
        return _operand("module file", word, normalise_path(word.text))
    return _operand("module", word, module_name(word.text))


def _parameter(word: Word) -> Operand:
    name, eq, value = word.text.partition("=")
    return Operand("parameter", eq + value, name.replace("-", "_"), word.text, word.number)


def _generic_operand(word: Word) -> Operand:
    value = word.text
    if value.startswith(("/", "./", PWD + "/", "~/")):
        value = normalise_path(value)
    return _operand("argument", word, value)


def _plain(call: Invocation, strict: bool, dropped: list[Given]) -> _Parts:
    return call.tool, list(call.given), [_generic_operand(w) for w in call.positionals], []


def _paths(role: str) -> Callable[[Invocation, bool, list[Given]], _Parts]:
    def rule(call: Invocation, strict: bool, dropped: list[Given]) -> _Parts:
        operands = [_operand(role, w, normalise_path(w.text)) for w in call.positionals]
        return call.tool, list(call.given), operands, []

    return rule


def _modprobe(call: Invocation, strict: bool, dropped: list[Given]) -> _Parts:
    given, words = list(call.given), list(call.positionals)
    names = _names(given)
    if names & {"--remove", "--remove-holders"}:
        # Removal goes in the order given: a module still in use by a later one stays.
        return call.tool, given, [_module_or_file(w) for w in words], []
    if "--all" in names:
        # Inserting several: modprobe resolves the dependencies, so the order does not matter.
        modules = [_module_or_file(w) for w in words]
        return call.tool, given, [], [replace(o, key=o.value) for o in modules]
    if "--show-alias" in names:
        return call.tool, given, [_operand("alias", w, module_name(w.text)) for w in words], []
    if names & {"--show-modversions", "--show-exports"}:
        operands = [_operand("module file", w, normalise_path(w.text)) for w in words]
        return call.tool, given, operands, []
    if not words:
        return call.tool, given, [], []
    return call.tool, given, [_module_or_file(words[0])], [_parameter(w) for w in words[1:]]


def _insmod(call: Invocation, strict: bool, dropped: list[Given]) -> _Parts:
    words = list(call.positionals)
    if not words:
        return call.tool, list(call.given), [], []
    first = _operand("module file", words[0], normalise_path(words[0].text))
    return call.tool, list(call.given), [first], [_parameter(w) for w in words[1:]]


def _modules(call: Invocation, strict: bool, dropped: list[Given]) -> _Parts:
    return call.tool, list(call.given), [_module_or_file(w) for w in call.positionals], []


def _depmod(call: Invocation, strict: bool, dropped: list[Given]) -> _Parts:
    given, words = list(call.given), list(call.positionals)
    operands: list[Operand] = []
    if words:
        version = words.pop(0)
        if version.text != RELEASE:  # the running kernel's release is the default
            operands.append(_operand("kernel release", version))
    operands += [_operand("module file", w, normalise_path(w.text)) for w in words]
    if not words and not strict and "--all" not in _names(given):
        given.append(Given("--all", None, "-a", 0, _table_option(call, "--all")))
    return call.tool, given, operands, []


def _lsmod_alias(call: Invocation, strict: bool, dropped: list[Given]) -> _Parts:
    # kmod(8): `kmod list` lists the loaded modules, as lsmod does.
    tool, given, operands, keyed = _plain(call, strict, dropped)
    return "lsmod", given, operands, keyed


def _make(call: Invocation, strict: bool, dropped: list[Given]) -> _Parts:
    targets: list[Operand] = []
    variables: list[Operand] = []
    for word in call.positionals:
        match = _ASSIGNMENT_RE.match(word.text)
        if match:
            name, op, value = match.groups()
            value = re.sub(r"/{2,}", "/", value)
            value = value.rstrip("/") if len(value) > 1 else value
            variables.append(Operand("make variable", op + value, name, word.text, word.number))
        else:
            targets.append(_operand("target", word))
    if not targets and any(v.key == "M" for v in variables):
        # Documentation/kbuild/modules.rst: "modules", the default target for external modules.
        targets.append(Operand("target", "modules", "", "modules"))
    return call.tool, list(call.given), targets, variables


def _dkms(call: Invocation, strict: bool, dropped: list[Given]) -> _Parts:
    given: list[Given] = []
    module = version = None
    module_word = Word("")
    for g in call.given:
        if g.name == "--module" and g.value is not None:
            module_word = Word(g.value, g.number)
            module, _, rest = g.value.partition("/")
            version = rest or version
        elif g.name == "-v" and g.value is not None:
            version = g.value
        else:
            given.append(g)
    action = ""
    others: list[Operand] = []
    for word in call.positionals:
        if not action and _DKMS_ACTION_RE.match(word.text):
            action = word.text
            others.insert(0, _operand("action", word))
        elif module is None and "/" in word.text and not word.text.startswith(("/", ".")):
            module_word = word
            module, _, version_part = word.text.partition("/")
            version = version_part or version
        else:
            others.append(_operand("argument", word, normalise_path(word.text)))
    operands = others[:1] if action else []
    if module is not None:
        operands.append(Operand("module", module, "", module_word.text, module_word.number))
    if version is not None:
        operands.append(Operand("module version", version, "", version, module_word.number))
    operands += others[1:] if action else others
    if action not in _DKMS_RUNNING_KERNEL_DEFAULT:
        given = [_without_default(g) if g.name == "--kernelver" else g for g in given]
    return call.tool, given, operands, []


def _drop(
    given: list[Given], dropped: list[Given], implied: Callable[[Given], bool]
) -> list[Given]:
    """`given` without the options a rule found implied; those go to `dropped`."""
    dropped += [g for g in given if implied(g)]
    return [g for g in given if not implied(g)]


def _table_option(call: Invocation, canonical: str) -> Option | None:
    return call.table.by_name(canonical) if call.table else None


def _without_default(given: Given) -> Given:
    if given.option is None:
        return given
    return dataclasses.replace(given, option=dataclasses.replace(given.option, default=None))


def _sysctl(call: Invocation, strict: bool, dropped: list[Given]) -> _Parts:
    given, words = list(call.given), list(call.positionals)
    load = next((g for g in given if g.name == "--load"), None)
    if load is not None:
        if load.value is not None:
            words.insert(0, Word(load.value, load.number))
            given = [dataclasses.replace(g, value=None) if g is load else g for g in given]
        return call.tool, given, [_operand("file", w, normalise_path(w.text)) for w in words], []
    operands = []
    for word in words:
        key, eq, value = word.text.partition("=")
        key = key.strip()
        if "/" in key and "." not in key:  # sysctl(8): '/' is accepted in place of '.'
            key = key.strip("/").replace("/", ".")
        operands.append(_operand("setting" if eq else "key", word, key + eq + value.strip()))
    if not strict and words and all("=" in w.text for w in words):
        # Without -w, an argument holding '=' is written all the same (sysctl.c).
        given = _drop(given, dropped, lambda g: g.name == "--write")
    return call.tool, given, operands, []


def _lspci(call: Invocation, strict: bool, dropped: list[Given]) -> _Parts:
    given = list(call.given)
    names = _names(given)
    if not strict and "-v" in names and "-m" not in names:
        given = _drop(given, dropped, lambda g: g.name == "-k")  # lspci(8): -v turns -k on
    return call.tool, given, [_generic_operand(w) for w in call.positionals], []


def _trace_cmd_report(call: Invocation, strict: bool, dropped: list[Given]) -> _Parts:
    given, words = list(call.given), list(call.positionals)
    if words and "-i" not in _names(given):
        first = words.pop(0)  # trace-cmd report [input-file]: the same as -i input-file
        given.append(Given("-i", first.text, first.text, first.number, _table_option(call, "-i")))
    return call.tool, given, [_generic_operand(w) for w in words], []


def _trace_cmd_run(call: Invocation, strict: bool, dropped: list[Given]) -> _Parts:
    return call.tool, list(call.given), [_operand("command", w) for w in call.positionals], []


# zstd(1)'s switches that undo each other: of each pair, the one given last is what happens.
_ZSTD_TOGGLES = (
    ("--keep", "--rm"),
    ("--check", "--no-check"),
    ("--content-size", "--no-content-size"),
    ("--sparse", "--no-sparse"),
    ("--compress-literals", "--no-compress-literals"),
    ("--row-match-finder", "--no-row-match-finder"),
)


TOGGLES: dict[str, tuple[tuple[str, str], ...]] = {"zstd": _ZSTD_TOGGLES}


def undone_by(tool: str, name: str) -> set[str]:
    """The options of `tool` that `name`, given after them, undoes (and that undo it)."""
    return {other for pair in TOGGLES.get(tool, ()) if name in pair for other in pair} - {name}


def _zstd(call: Invocation, strict: bool, dropped: list[Given]) -> _Parts:
    tool, given, operands, keyed = _paths("file")(call, strict, dropped)
    for pair in _ZSTD_TOGGLES:
        names = [g.name for g in given if g.name in pair]
        if len(set(names)) == 2:
            # `zstd --rm -k f` keeps f: the earlier switch of the pair does nothing, so it is not
            # set aside as implied either (feedback then names it as missing).
            last = names[-1]
            given = [g for g in given if g.name not in pair or g.name == last]
    return tool, given, operands, keyed


def _journalctl(call: Invocation, strict: bool, dropped: list[Given]) -> _Parts:
    given = list(call.given)
    if not strict and "--dmesg" in _names(given):
        # journalctl(1): -k "implies -b", the current boot, unless -b names another.
        given = _drop(given, dropped, lambda g: g.name == "--boot" and g.value in _CURRENT_BOOT)
    matches = [Operand("match", w.text, w.text, w.text, w.number) for w in call.positionals]
    return call.tool, given, [], matches


_RULES: dict[str, Callable[[Invocation, bool, list[Given]], _Parts]] = {
    "modprobe": _modprobe,
    "insmod": _insmod,
    "rmmod": _modules,
    "modinfo": _modules,
    "depmod": _depmod,
    "kmod list": _lsmod_alias,
    "make": _make,
    "dkms": _dkms,
    "xz": _paths("file"),
    "zstd": _zstd,
    "sysctl": _sysctl,
    "lspci": _lspci,
    "journalctl": _journalctl,
    "trace-cmd record": _trace_cmd_run,
    "trace-cmd start": _trace_cmd_run,
    "trace-cmd report": _trace_cmd_report,
    "udevadm info": _paths("device"),
    "udevadm trigger": _paths("device"),
    "udevadm test": _paths("device"),
    "udevadm wait": _paths("device"),
}
