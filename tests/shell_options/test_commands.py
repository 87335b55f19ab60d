"""A stage's command is found past sudo, through full paths and the tools' documented aliases."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.shell_options import (
    command_name,
    normalise_path,
    split_command,
    tool_for,
    unknown_options,
)


def command(line: str) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    words = tuple(line.split())
    found = split_command(words, range(1, len(words) + 1))
    return (
        found.name,
        found.implied,
        tuple(w.text for w in found.args),
        tuple(g.spelled for g in found.sudo),
    )


@pytest.mark.parametrize(
    "line",
    [
        "modprobe foo",
        "sudo modprobe foo",
        "sudo -E modprobe foo",
        "sudo -H -n modprobe foo",
        "sudo -En modprobe foo",
        "sudo -u root modprobe foo",
        "sudo -u #0 modprobe foo",
        "sudo --user=root modprobe foo",
        "sudo -- modprobe foo",
        "sudo -k -S -p pw: modprobe foo",
        "sudo --preserve-env=PATH modprobe foo",
        "sudo -s modprobe foo",
        "sudo sudo modprobe foo",
        "/sbin/modprobe foo",
        "/usr/sbin/modprobe foo",
        "/usr/bin/modprobe foo",
        "/usr/local/sbin/modprobe foo",
        "//usr//sbin/modprobe foo",
        "sudo -E /sbin/modprobe foo",
    ],
)
def test_sudo_and_its_harmless_options_and_full_paths_leave_the_bare_tool(line: str):
    assert command(line) == ("modprobe", (), ("foo",), ())


@pytest.mark.parametrize(
    ("line", "sudo"),
    [
        ("sudo -u bob modprobe foo", ("-u",)),
        ("sudo -D /tmp insmod a.ko", ("-D",)),
        ("sudo -i insmod a.ko", ("-i",)),
        ("sudo -l modprobe foo", ("-l",)),
        ("sudo -b depmod", ("-b",)),
        ("sudo -Z modprobe foo", ("-Z",)),  # not a sudo option
    ],
)
def test_sudo_options_that_change_how_the_command_runs_are_kept(line: str, sudo: tuple[str, ...]):
    assert command(line)[3] == sudo


@pytest.mark.parametrize(
    ("line", "name", "implied"),
    [
        ("unxz a.ko.xz", "xz", ("--decompress",)),
        ("xzcat a.ko.xz", "xz", ("--decompress", "--stdout")),
        ("unzstd a.ko.zst", "zstd", ("--decompress",)),
        ("zstdcat a.ko.zst", "zstd", ("--decompress", "--stdout", "--force")),
        ("/usr/bin/unxz a.ko.xz", "xz", ("--decompress",)),
    ],
)
def test_aliases_documented_by_the_man_pages_are_their_tool_with_options(line, name, implied):
    assert command(line)[:2] == (name, implied)


@pytest.mark.parametrize(
    ("word", "name"),
    [
        ("modprobe", "modprobe"),
        ("/sbin/modprobe", "modprobe"),
        ("/home/me/modprobe", "/home/me/modprobe"),  # not a standard directory: another program
        ("./scripts/sign-file", "scripts/sign-file"),
        ("scripts/sign-file", "scripts/sign-file"),
        ("$(pwd)/scripts/sign-file", "scripts/sign-file"),
        ("/usr/bin/kmod", "kmod"),
    ],
)
def test_a_command_word_with_a_slash_is_a_path(word: str, name: str):
    assert command_name(word) == name


def test_tool_for_finds_table_tools_by_name_path_or_alias():
    assert tool_for("/sbin/modprobe").name == "modprobe"
    assert tool_for("unxz").name == "xz"
    assert tool_for("cat") is None and tool_for("./make") is None


@pytest.mark.parametrize(
    ("word", "path"),
    [
        ("hello.ko", "hello.ko"),
        ("./hello.ko", "hello.ko"),
        (".//hello.ko", "hello.ko"),
        ("$(pwd)/hello.ko", "hello.ko"),
        ("$(pwd)/./sub/hello.ko", "sub/hello.ko"),
        ("/lib/modules/x/build/", "/lib/modules/x/build"),
        ("/lib//modules/./x", "/lib/modules/x"),
        ("~/mydrv/mydrv.ko", "$HOME/mydrv/mydrv.ko"),
        ("../hello.ko", "../hello.ko"),
        ("$(pwd)", "."),
        ("/", "/"),
    ],
)
def test_paths_naming_the_same_file_are_spelled_one_way(word: str, path: str):
    assert normalise_path(word) == path


@given(st.from_regex(r"(\./|/)?([a-z0-9_.-]{1,8}/){0,3}[a-z0-9_-]{1,8}(\.ko)?/?", fullmatch=True))
def test_normalising_a_path_twice_changes_nothing(path: str):
    assert normalise_path(normalise_path(path)) == normalise_path(path)


@pytest.mark.parametrize(
    ("line", "unknown"),
    [
        ("modprobe -r snd_hda_intel", []),
        ("sudo modprobe --bogus -rx foo", ["--bogus", "-x"]),
        ("sudo -Z modprobe foo", ["-Z"]),
        ("insmod -x hello.ko", ["-x"]),
        ("dmesg | grep --bogus x", []),  # grep is not a table tool
        ("make -C dir M=$(pwd) modules && modinfo --nope x.ko", ["--nope"]),
        ("journalctl -k -b -1 --no-pager", []),
        ("unxz --bogus a.xz", ["--bogus"]),
        ("udevadm info --bogus /dev/sda", ["--bogus"]),
        ("modprobe 'unbalanced", []),
    ],
)
def test_unknown_options_lists_options_the_table_does_not_know(line: str, unknown: list[str]):
    assert unknown_options(line) == unknown
