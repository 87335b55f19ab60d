"""Arguments are parsed the way each tool parses them (getopt_long for most)."""

from __future__ import annotations

import pytest

from quizzes.shell_options import TOOLS, Invocation, parse_invocation


@pytest.mark.parametrize(
    ("tool", "args", "expected"),
    [
        ("modprobe", ["-r", "foo"], {("--remove", None)}),
        ("modprobe", ["--remove", "foo"], {("--remove", None)}),
        ("modprobe", ["--rem", "foo"], set()),  # ambiguous: --remove, --remove-holders ...
        ("modprobe", ["--verb", "foo"], {("--verbose", None)}),
        ("modprobe", ["-rv", "foo"], {("--remove", None), ("--verbose", None)}),
        ("modprobe", ["-i", "--ignore-remove", "foo"], {("--ignore-install", None)}),
        ("modprobe", ["--resolve-alias", "x"], {("--show-alias", None)}),
        ("modinfo", ["-Flicense", "foo"], {("--field", "license")}),
        ("modinfo", ["-F", "license", "foo"], {("--field", "license")}),
        ("modinfo", ["--field=license", "foo"], {("--field", "license")}),
        ("modinfo", ["--field", "license", "foo"], {("--field", "license")}),
        ("modinfo", ["-0F", "license", "foo"], {("--null", None), ("--field", "license")}),
        ("modinfo", ["-l", "foo"], {("--field", "license")}),  # a shorthand for -F license
        ("modinfo", ["--parameters", "foo"], {("--field", "parm")}),
        ("journalctl", ["-b"], {("--boot", None)}),
        ("journalctl", ["-b", "-1"], {("--boot", "-1")}),
        ("journalctl", ["--boot=-1"], {("--boot", "-1")}),
        ("journalctl", ["-b-1"], {("--boot", "-1")}),
        ("journalctl", ["-n", "50"], {("--lines", "50")}),
        ("journalctl", ["-n", "-k"], {("--lines", None), ("--dmesg", None)}),
        ("make", ["-j"], {("--jobs", None)}),
        ("make", ["-j", "8"], {("--jobs", "8")}),
        ("make", ["-Cdir"], {("--directory", "dir")}),
        ("make", ["--directory=dir/"], {("--directory", "dir/")}),
        ("dmesg", ["--color"], {("--color", None)}),
        ("dmesg", ["--color=always"], {("--color", "always")}),
        ("xz", ["-9e", "f"], {("-#", "9"), ("--extreme", None)}),
        ("xz", ["--best", "f"], {("-#", "9")}),
        ("zstd", ["-19", "-T0", "f"], {("-#", "19"), ("--threads", "0")}),
        ("zstd", ["-dc", "f.zst"], {("--decompress", None), ("--stdout", None)}),
        ("sysctl", ["-f", "a.conf"], {("--load", None)}),
        ("lspci", ["-vv", "-k"], {("-v", None), ("-k", None)}),
        ("dkms", ["--kernelver=6.1", "install"], {("--kernelver", "6.1")}),
    ],
)
def test_options_fold_to_canonical_names(tool: str, args: list[str], expected: set):
    assert parse_invocation(TOOLS[tool], args).options == expected


def test_positionals_keep_their_order_and_options_may_come_between_them():
    call = parse_invocation(TOOLS["insmod"], ["hello.ko", "-V", "msg=hi", "count=2"])
    assert [w.text for w in call.positionals] == ["hello.ko", "msg=hi", "count=2"]


def test_double_dash_ends_the_options():
    call = parse_invocation(TOOLS["modprobe"], ["--", "-r"])
    assert call.options == frozenset() and [w.text for w in call.positionals] == ["-r"]


def test_a_tool_that_stops_at_its_first_argument_passes_the_rest_on():
    # sudo's optstring starts with '+': `-r` belongs to modprobe, not to sudo.
    call = parse_invocation(TOOLS["sudo"], ["-E", "modprobe", "-r", "foo"])
    assert call.options == {("--preserve-env", None)}
    assert [w.text for w in call.positionals] == ["modprobe", "-r", "foo"]


def test_a_subcommand_brings_its_own_options():
    call = parse_invocation(TOOLS["udevadm"], ["info", "-a", "-p", "/sys/class/net/eth0"])
    assert call.tool == "udevadm info"
    assert call.options == {("--attribute-walk", None), ("--path", "/sys/class/net/eth0")}
    record = parse_invocation(TOOLS["trace-cmd"], ["record", "-p", "function", "insmod", "-f"])
    assert record.tool == "trace-cmd record" and record.options == {("-p", "function")}
    assert [w.text for w in record.positionals] == ["insmod", "-f"]


def test_a_tool_with_its_own_parser_takes_whole_words_only():
    # dkms: `-k 6.1` works, `-k6.1` and combined flags do not.
    assert parse_invocation(TOOLS["dkms"], ["-k", "6.1"]).options == {("--kernelver", "6.1")}
    call = parse_invocation(TOOLS["dkms"], ["-k6.1", "--no-depm"])
    assert [w.text for w in call.unknown] == ["-k6.1", "--no-depm"]


def test_an_attached_only_value_is_not_taken_from_the_next_word():
    call = parse_invocation(TOOLS["zstd"], ["-T", "4", "f"])
    assert call.options == {("--threads", None)}
    assert [w.text for w in call.positionals] == ["4", "f"]


def test_every_option_keeps_its_spelling_and_the_learners_word_number():
    call = parse_invocation(TOOLS["modprobe"], ["-rv", "foo", "--quiet"], [3, 4, 5])
    by_name = {g.name: (g.spelled, g.number) for g in call.given}
    assert by_name == {"--remove": ("-r", 3), "--verbose": ("-v", 3), "--quiet": ("--quiet", 5)}
    assert [(w.text, w.number) for w in call.positionals] == [("foo", 4)]


@pytest.mark.parametrize(
    ("tool", "args", "unknown", "problem"),
    [
        ("modprobe", ["--bogus", "foo"], ("--bogus",), None),
        ("modprobe", ["-rx", "foo"], ("-x",), None),
        ("modprobe", ["--rem", "foo"], ("--rem",), "ambiguous"),
        ("modinfo", ["foo", "-F"], (), "needs a value"),
        ("rmmod", ["--force=yes", "foo"], (), "takes no value"),
        ("insmod", ["-x", "foo.ko"], ("-x",), None),
        ("lsmod", ["-a"], ("-a",), None),
        ("lspci", ["--verbose"], ("--verbose",), None),  # lspci has short options only
    ],
)
def test_unknown_options_and_misuse_are_recorded(tool, args, unknown, problem):
    call = parse_invocation(TOOLS[tool], args)
    assert tuple(w.text for w in call.unknown) == unknown
    assert (problem is None and not call.problems) or problem in " ".join(call.problems)


def test_invocations_compare_by_meaning_not_spelling():
    spelled_short = parse_invocation(TOOLS["modprobe"], ["-r", "foo"])
    spelled_long = parse_invocation(TOOLS["modprobe"], ["--remove", "foo"])
    assert isinstance(spelled_short, Invocation)
    assert spelled_short == spelled_long
    assert spelled_short.spelling("--remove") == "-r"
