"""Changes of a command line that do something else: the grader must refuse every one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from quizzes.shell_options import TOOLS, Effect, Option, parse_invocation
from quizzes.shell_options.commands import split_command
from quizzes.shell_options.meaning import meaning_of
from quizzes.shell_variants.quoting import plain_quote
from quizzes.shellwords import ShellSyntaxError, split_command_line

_OTHER_TOOL = {
    "modprobe": "insmod",
    "insmod": "modprobe",
    "rmmod": "modprobe",
    "modinfo": "modprobe",
    "depmod": "modprobe",
    "lsmod": "modinfo",
}


def mutations(line: str, spec: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """(what changed, changed line) pairs that do something other than `line` does."""
    try:
        pipelines = split_command_line(line)
    except ShellSyntaxError:
        return []
    stages = [s for p in pipelines for s in p.stages]
    found: list[tuple[str, str]] = []
    # The first stage is the command the question is about (`modprobe -c | grep x`).
    index, stage = 0, stages[0]
    command = split_command(stage.words)
    if not command.name:
        return found
    sudo = list(stage.words[: len(stage.words) - len(command.args) - 1])
    for kind, change in _stage_mutations(command.name, [w.text for w in command.args]):
        changed = change([command.name, *(w.text for w in command.args)])
        if changed is not None:
            found.append((kind, _replace_stage(pipelines, index, [*sudo, *changed])))
    return found


def _stage_mutations(
    name: str, args: list[str]
) -> list[tuple[str, Callable[[list[str]], list[str] | None]]]:
    tool = TOOLS.get(name)
    changes: list[tuple[str, Callable[[list[str]], list[str] | None]]] = [
        (
            "another tool",
            lambda w: [_OTHER_TOOL.get(name, "cat" if name != "cat" else "head"), *w[1:]],
        ),
    ]
    if tool is None:
        if args:
            changes.append(("another argument", lambda w: [*w[:-1], w[-1] + "x"]))
        return changes
    call = parse_invocation(tool, args)
    meaning = meaning_of(call)
    table = call.table or tool
    names = {g.name for g in call.given}
    dry = next((o for o in table.options if o.effect is Effect.DRY_RUN), None)
    if dry is not None and dry.name not in names:
        changes.append(("dry run", lambda w: [w[0], _flag(dry), *w[1:]]))
    elif dry is not None:
        spelled = {g.spelled for g in call.given if g.name == dry.name}
        changes.append(("no dry run", lambda w: [x for x in w if x not in spelled]))
    force = next((o for o in table.options if o.effect is Effect.FORCE), None)
    if force is not None and force.name not in names:
        changes.append(("force", lambda w: [w[0], _flag(force), *w[1:]]))
    modules = [o for o in meaning.operands if o.role in ("module", "module file")]
    if modules:
        target = modules[0].shown
        other = "ext4" if target != "ext4" else "vfat"
        if modules[0].role == "module file":
            other = "other.ko"
        changes.append(("another module", lambda w: _swap(w, target, other)))
        changes.append(("missing module", lambda w: [x for x in w if x != target] or None))
    targets = [o for o in meaning.operands if o.role == "target"]
    if targets and targets[0].shown:
        old = targets[0].shown
        new = "clean" if old != "clean" else "modules"
        changes.append(("another target", lambda w: _swap(w, old, new)))
    valued = next((g for g in call.given if g.value and g.option), None)
    if valued is not None and valued.value is not None:
        value = valued.value
        kind = (
            "another field" if valued.option and valued.option.noun == "field" else "another value"
        )
        changes.append((kind, lambda w: _swap_value(w, value, value + "x")))
    return changes


def _flag(option: Option) -> str:
    return option.short_names[0] if option.short_names else option.name


def _swap(words: list[str], old: str, new: str) -> list[str] | None:
    if old not in words:
        return None
    index = words.index(old)
    return [*words[:index], new, *words[index + 1 :]]


def _swap_value(words: list[str], old: str, new: str) -> list[str] | None:
    for index, word in enumerate(words):
        if index and word.endswith(old) and (word == old or word.startswith("-")):
            return [*words[:index], word[: len(word) - len(old)] + new, *words[index + 1 :]]
    return None


def _replace_stage(pipelines: tuple[Any, ...], index: int, words: list[str]) -> str:
    parts: list[str] = []
    position = 0
    for pipeline in pipelines:
        rendered = []
        for stage in pipeline.stages:
            stage_words = words if position == index else list(stage.words)
            position += 1
            text = " ".join(plain_quote(w) for w in stage_words)
            for op, target in stage.redirects:
                text += f" {op} {plain_quote(target)}"
            rendered.append(text)
        parts.append(" | ".join(rendered))
        if pipeline.terminator:
            parts.append(f" {pipeline.terminator} ")
    return "".join(parts).strip()
