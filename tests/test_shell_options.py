"""The option table agrees with the installed tools, and options are parsed like getopt_long."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from quizzes.shell_options import (
    TOOLS,
    Arg,
    Invocation,
    Option,
    describe_differences,
    parse_invocation,
    tool_for,
)

KMOD_TOOLS = ["modprobe", "insmod", "rmmod", "modinfo", "depmod", "lsmod"]
HELP_CHECKED_TOOLS = [*KMOD_TOOLS, "dmesg", "journalctl", "make"]

# Documented in the man page but not in --help: `man 8 depmod` lists "-n, --show, --dry-run".
MAN_ONLY = {"depmod": {"--dry-run"}}
# depmod --help shows "-P, --symbol-prefix" with no argument, but depmod(8) says it takes the
# prefix character and `depmod -P _` is how it is used.
VALUE_MARKER_MISSING_IN_HELP = {("depmod", "--symbol-prefix")}

# The option part of a help line: indented, starts with a dash, ends at a wide gap or the line end.
HELP_SPEC_RE = re.compile(r"^\s+(-\S.*?)(?:\s{2,}\S.*)?$")
HELP_NAME_RE = re.compile(r"(?:^|[\s,])(--?[A-Za-z0-9][\w-]*)")
ENV = {**os.environ, "LC_ALL": "C", "PAGER": "cat", "SYSTEMD_PAGER": ""}


def find_tool(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")


def run_tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    path = find_tool(name)
    if path is None:
        pytest.skip(f"{name} is not installed (not on PATH, /usr/sbin or /sbin)")
    return subprocess.run(
        [path, *args], capture_output=True, text=True, env=ENV, timeout=30, check=False
    )


def help_lines(name: str) -> list[tuple[list[str], Arg]]:
    """Each option line of `name --help`: its option names and what value it shows."""
    result = run_tool(name, "--help")
    found: list[tuple[list[str], Arg]] = []
    for line in (result.stdout + result.stderr).splitlines():
        match = HELP_SPEC_RE.match(line)
        if not match:
            continue
        spec = match.group(1)
        names = HELP_NAME_RE.findall(spec)
        if "[" in spec:
            arg = Arg.OPTIONAL
        elif "=" in spec or "<" in spec or re.search(r"-\w [A-Z]", spec):
            arg = Arg.REQUIRED
        else:
            arg = Arg.NONE
        found.append((names, arg))
    return found


def table_long_names(name: str) -> set[str]:
    return {n for o in TOOLS[name].options for n in o.names if n.startswith("--")}


def lookup(name: str, option_name: str) -> Option | None:
    tool = TOOLS[name]
    if option_name.startswith("--"):
        return next((o for o in tool.options if option_name in o.names), None)
    return tool.short(option_name[1:])


def test_the_table_covers_the_tools_the_grader_promises():
    assert set(HELP_CHECKED_TOOLS) <= set(TOOLS)


@pytest.mark.parametrize("name", HELP_CHECKED_TOOLS)
def test_every_long_option_of_the_table_appears_in_help(name: str):
    in_help = {n for names, _ in help_lines(name) for n in names if n.startswith("--")}
    assert table_long_names(name) - in_help - MAN_ONLY.get(name, set()) == set()


@pytest.mark.parametrize("name", HELP_CHECKED_TOOLS)
def test_every_long_option_of_help_is_in_the_table(name: str):
    in_help = {n for names, _ in help_lines(name) for n in names if n.startswith("--")}
    assert in_help - table_long_names(name) == set()


@pytest.mark.parametrize("name", HELP_CHECKED_TOOLS)
def test_aliases_on_one_help_line_are_one_option_of_the_table(name: str):
    for names, _ in help_lines(name):
        options = {lookup(name, n) for n in names}
        assert None not in options, f"{names} not all in the table"
        assert len(options) == 1, f"{names} are not aliases of one option in the table"


@pytest.mark.parametrize("name", HELP_CHECKED_TOOLS)
def test_help_and_table_agree_on_which_options_take_a_value(name: str):
    for names, arg in help_lines(name):
        option = lookup(name, names[0])
        assert option is not None
        if any((name, n) in VALUE_MARKER_MISSING_IN_HELP for n in names):
            assert option.arg is Arg.REQUIRED
        else:
            assert option.arg is arg, names


@pytest.mark.parametrize(("name", "option"), sorted(MAN_ONLY.items()))
def test_options_missing_from_help_are_in_the_man_page(name: str, option: set[str]):
    if shutil.which("man") is None:
        pytest.skip("man is not installed")
    result = subprocess.run(
        ["man", "8", name], capture_output=True, text=True, env=ENV, timeout=60, check=False
    )
    if result.returncode != 0:
        pytest.skip(f"the man page of {name} is not installed")
    assert all(o in result.stdout for o in option)


def kmod_option_words() -> list[tuple[str, str]]:
    cases = []
    for name in KMOD_TOOLS:
        for option in TOOLS[name].options:
            for spelled in option.names:
                if option.arg is Arg.REQUIRED:
                    spelled += "=1" if spelled.startswith("--") else "1"  # --wait wants a number
                cases.append((name, spelled))
    return cases


@pytest.mark.parametrize(("name", "word"), kmod_option_words())
def test_the_real_kmod_tool_accepts_every_option_of_the_table(name: str, word: str):
    # --help comes last so the tool parses the option, then only prints its help. modprobe and
    # depmod get -n (dry run) first, in case a future table entry gets its value wrong.
    guard = ["-n"] if name in ("modprobe", "depmod") else []
    result = run_tool(name, *guard, word, "--help")
    assert result.returncode == 0, result.stderr
    assert "unrecognized" not in result.stderr and "invalid option" not in result.stderr


@pytest.mark.parametrize(
    ("tool", "args", "expected"),
    [
        ("modprobe", ["-r", "foo"], {("--remove", None)}),
        ("modprobe", ["--remove", "foo"], {("--remove", None)}),
        ("modprobe", ["--rem", "foo"], set()),  # ambiguous: --remove, --remove-holders ...
        ("modprobe", ["--verb", "foo"], {("--verbose", None)}),
        ("modprobe", ["-rv", "foo"], {("--remove", None), ("--verbose", None)}),
        ("modprobe", ["-i", "--ignore-remove", "foo"], {("--ignore-install", None)}),
        ("modinfo", ["-Flicense", "foo"], {("--field", "license")}),
        ("modinfo", ["-F", "license", "foo"], {("--field", "license")}),
        ("modinfo", ["--field=license", "foo"], {("--field", "license")}),
        ("modinfo", ["--field", "license", "foo"], {("--field", "license")}),
        ("modinfo", ["-0F", "license", "foo"], {("--null", None), ("--field", "license")}),
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
    ],
)
def test_options_fold_to_canonical_names(tool: str, args: list[str], expected: set):
    assert parse_invocation(TOOLS[tool], args).options == expected


def test_positionals_keep_their_order_and_options_may_come_between_them():
    call = parse_invocation(TOOLS["insmod"], ["hello.ko", "-V", "msg=hi", "count=2"])
    assert call.positionals == ("hello.ko", "msg=hi", "count=2")


def test_double_dash_ends_the_options():
    call = parse_invocation(TOOLS["modprobe"], ["--", "-r"])
    assert call.options == frozenset() and call.positionals == ("-r",)


def test_make_variable_assignments_are_order_free():
    first = parse_invocation(TOOLS["make"], ["V=1", "M=$(pwd)", "modules"])
    second = parse_invocation(TOOLS["make"], ["M=$(pwd)/", "modules", "V=1"])
    assert first == second
    assert first.assignments == {"V=1", "M=$(pwd)"}


@pytest.mark.parametrize(
    ("tool", "args", "unknown", "problem"),
    [
        ("modprobe", ["--bogus", "foo"], ("--bogus",), None),
        ("modprobe", ["-rx", "foo"], ("-x",), None),
        ("modprobe", ["--rem", "foo"], ("--rem",), "ambiguous"),
        ("modinfo", ["foo", "-F"], (), "needs a value"),
        ("rmmod", ["--force=yes", "foo"], (), "takes no value"),
        ("insmod", ["-f", "foo.ko"], ("-f",), None),
        ("lsmod", ["-v"], ("-v",), None),
    ],
)
def test_unknown_options_and_misuse_are_recorded(tool, args, unknown, problem):
    call = parse_invocation(TOOLS[tool], args)
    assert call.unknown == unknown
    assert (problem is None and not call.problems) or problem in " ".join(call.problems)


@pytest.mark.parametrize(
    ("word", "tool"),
    [("modprobe", "modprobe"), ("/sbin/modprobe", "modprobe"), ("cat", None), ("./make", None)],
)
def test_tool_for_finds_table_tools_by_name_or_absolute_path(word: str, tool: str | None):
    found = tool_for(word)
    assert (found.name if found else None) == tool


def differences(tool: str, expected: list[str], actual: list[str]) -> list[str]:
    return describe_differences(
        parse_invocation(TOOLS[tool], expected), parse_invocation(TOOLS[tool], actual)
    )


@pytest.mark.parametrize(
    ("tool", "expected", "actual", "note"),
    [
        ("modprobe", ["-r", "foo"], ["foo"], "missing option -r"),
        ("modprobe", ["foo"], ["--force", "foo"], "unexpected option --force"),
        ("modprobe", ["foo"], ["bar"], "wrong module name"),
        ("modprobe", ["foo", "a=1"], ["foo", "a=2"], "wrong module parameter"),
        ("modprobe", ["foo"], [], "missing module name"),
        ("modprobe", ["foo"], ["foo", "bar"], "unexpected argument 'bar'"),
        ("insmod", ["a.ko", "x=1"], ["x=1", "a.ko"], "arguments in the wrong order"),
        ("modinfo", ["-F", "license", "foo"], ["-F", "author", "foo"], "wrong value for option -F"),
        ("modinfo", ["foo"], ["--bogus", "foo"], "unknown option --bogus for modinfo"),
        ("make", ["M=$(pwd)", "modules"], ["modules"], "missing make variable M"),
        ("make", ["modules"], ["V=1", "modules"], "unexpected make variable V"),
        ("make", ["modules"], ["clean"], "wrong target"),
    ],
)
def test_differences_are_described_in_short_phrases(tool, expected, actual, note):
    assert note in differences(tool, expected, actual)


def test_equal_invocations_have_no_differences():
    assert differences("modprobe", ["-rv", "foo"], ["foo", "--verbose", "--remove"]) == []


def test_invocations_compare_by_meaning_not_spelling():
    spelled_short = parse_invocation(TOOLS["modprobe"], ["-r", "foo"])
    spelled_long = parse_invocation(TOOLS["modprobe"], ["--remove", "foo"])
    assert isinstance(spelled_short, Invocation)
    assert spelled_short == spelled_long
    assert spelled_short.spelling("--remove") == "-r"
