"""Find the command a stage runs: past `sudo` and its options, through a full path or an alias.

- `sudo [OPTIONS] [VAR=value...] COMMAND...` runs COMMAND as root: sudo's options are parsed
  with its table, and `-u root` / `-u '#0'` name the default user.
- a command word with a slash is a path: `/sbin/modprobe`, `/usr/bin/modprobe` (any of the
  standard directories) are `modprobe`; `./scripts/x` and `scripts/x` are the same file.
- `unxz` is `xz --decompress`, `xzcat` is `xz --decompress --stdout` (xz(1)); `unzstd` is
  `zstd -d` and `zstdcat` is `zstd -dcf` (zstd(1)).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from quizzes.shell_options.parsing import Given, Word, parse_invocation
from quizzes.shell_options.system import SUDO
from quizzes.shellwords import PWD

STANDARD_DIRECTORIES = frozenset(
    {"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"}
)
ALIASES: dict[str, tuple[str, tuple[str, ...]]] = {
    "unxz": ("xz", ("--decompress",)),
    "xzcat": ("xz", ("--decompress", "--stdout")),
    "unzstd": ("zstd", ("--decompress",)),
    "zstdcat": ("zstd", ("--decompress", "--stdout", "--force")),
}
ROOT_USERS = frozenset({"root", "#0"})
_ENV_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True)
class Command:
    """What a stage runs once sudo is set aside.

    `name` is the command's name (`modprobe` for `/sbin/modprobe`, `xz` for `unxz`), `implied`
    the arguments its alias stands for, `sudo` the options given to sudo that change how the
    command runs (the others dropped), `env` the VAR=value words given to sudo.
    """

    name: str
    number: int
    args: tuple[Word, ...]
    implied: tuple[str, ...] = ()
    typed: str = ""
    sudo: tuple[Given, ...] = ()
    env: tuple[Word, ...] = ()
    sudo_ignored: tuple[Given, ...] = ()


def command_name(word: str) -> str:
    """The name a command word runs: `/usr/sbin/rmmod` is `rmmod`, `./scripts/x` is `scripts/x`."""
    if "/" not in word:
        return word
    directory, _, base = word.rpartition("/")
    if re.sub(r"/+", "/", directory).rstrip("/") in STANDARD_DIRECTORIES and base:
        return base
    path = normalise_path(word)
    return path if "/" in path else "./" + path  # `./make` is a file here, not the make tool


def normalise_path(word: str) -> str:
    """One spelling per file: `./a.ko`, `$PWD/a.ko`, `"$(pwd)/a.ko"` are `a.ko`; `~/x` is `$HOME/x`.

    Repeated and trailing slashes and `.` segments go; `..` stays (it may cross a symlink).
    """
    if word == "~" or word.startswith("~/"):
        word = "$HOME" + word[1:]
    if word == PWD:
        return "."
    if word.startswith(PWD + "/"):
        word = word[len(PWD) + 1 :]
    absolute = word.startswith("/")
    parts = [p for p in word.split("/") if p not in ("", ".")]
    joined = "/".join(parts)
    if absolute:
        return "/" + joined
    return joined or "."


def split_command(words: Sequence[str], numbers: Sequence[int] | None = None) -> Command:
    """The command a stage runs, past any `sudo`; an empty name when there is none."""
    marks = list(numbers) if numbers is not None else [0] * len(words)
    sudo: list[Given] = []
    ignored: list[Given] = []
    env: list[Word] = []
    items = [Word(w, n) for w, n in zip(words, marks, strict=False)]
    while items and command_name(items[0].text) == "sudo":
        call = parse_invocation(SUDO, [w.text for w in items[1:]], [w.number for w in items[1:]])
        for given in call.given:
            default = given.option.default if given.option else None
            if (
                given.name == "--user"
                and given.value in ROOT_USERS | {default}
                or given.option is not None
                and given.option.effect.ignorable
            ):
                ignored.append(given)
            else:
                sudo.append(given)
        rest = list(call.positionals)
        while rest and _ENV_RE.match(rest[0].text):
            env.append(rest.pop(0))
        sudo += [Given(u.text, None, u.text, u.number) for u in call.unknown]
        items = rest
    if not items:
        return Command("", 0, (), sudo=tuple(sudo), env=tuple(env), sudo_ignored=tuple(ignored))
    first, args = items[0], tuple(items[1:])
    name = command_name(first.text)
    name, implied = ALIASES.get(name, (name, ()))
    return Command(
        name=name,
        number=first.number,
        args=args,
        implied=implied,
        typed=first.text,
        sudo=tuple(sudo),
        env=tuple(env),
        sudo_ignored=tuple(ignored),
    )
