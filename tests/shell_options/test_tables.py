"""The option tables follow their grammar, say what every option does, and agree with the
installed tools' `--help` (kmod 30, util-linux, systemd, make, xz, zstd, procps)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from quizzes.shell_options import TOOLS, Arg, Effect, Option, TableError, Tool
from quizzes.shell_options.table import make_tool, parse_options

KMOD_TOOLS = ["modprobe", "insmod", "rmmod", "modinfo", "depmod", "lsmod"]
SUBCOMMANDS = {"udevadm": sorted(TOOLS["udevadm"].subcommands)}
HELP_CHECKED = [
    *KMOD_TOOLS,
    "dmesg",
    "journalctl",
    "make",
    "xz",
    "zstd",
    "sysctl",
    *(f"udevadm {sub}" for sub in SUBCOMMANDS["udevadm"]),
]

# Documented in the man page but not in --help.
MAN_ONLY = {
    "depmod": {"--dry-run"},  # depmod(8): "-n, --show, --dry-run"
    "xz": {"--uncompress", "--to-stdout", "--memory", "--fast", "--best"},  # xz(1)
    "zstd": {  # zstd(1)
        "--compress",
        "--uncompress",
        "--list",
        "--threads",
        "--memory",
        "--content-size",
        "--no-content-size",
        "--show-default-cparams",
    },
}
# Kept by the tool's source for compatibility, shown neither in --help nor in the man page; people
# still type them (`udevadm control --reload-rules` is in many guides).
SOURCE_ONLY = {"udevadm control": {"--reload-rules", "--log-priority", "--env"}}
# In kmod 34's man pages (and `--help`) but newer than the kmod 30 installed here.
KMOD_NEWER_THAN_INSTALLED = {
    ("modprobe", "--show-alias"),  # kmod after 34.2: -R's new name, --resolve-alias kept
    ("insmod", "--force"),
    ("insmod", "--force-modversion"),
    ("insmod", "--force-vermagic"),
    ("insmod", "--syslog"),
    ("insmod", "--verbose"),
    ("depmod", "--moduledir"),
    ("depmod", "--outdir"),
    ("lsmod", "--syslog"),
    ("lsmod", "--verbose"),
    ("lsmod", "--version"),
    ("lsmod", "--help"),
}
# --help shows no value, but the man page and the source give it one.
VALUE_MARKER_MISSING_IN_HELP = {
    ("depmod", "--symbol-prefix"),  # depmod(8): -P takes the prefix character
    ("udevadm info", "--export-prefix"),  # udevadm(8): --export-prefix=NAME
    ("zstd", "--adapt"),  # zstd(1): --adapt[=min=#,max=#]
}

HELP_SPEC_RE = re.compile(r"^\s+(-\S.*?)(?:\s{2,}\S.*)?$")
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


def table(name: str) -> Tool:
    root, _, sub = name.partition(" ")
    return TOOLS[root].subcommands[sub] if sub else TOOLS[root]


def help_text(name: str) -> str:
    root, _, sub = name.partition(" ")
    flag = {"xz": "--long-help", "zstd": "-H"}.get(root, "--help")
    result = run_tool(root, *([sub] if sub else []), flag)
    return result.stdout + result.stderr


def help_lines(name: str) -> list[tuple[list[str], Arg]]:
    """Each option line of the tool's help: its option names and what value it shows."""
    found: list[tuple[list[str], Arg]] = []
    for line in help_text(name).splitlines():
        match = HELP_SPEC_RE.match(line)
        if not match:
            continue
        spec = match.group(1)
        pair = re.fullmatch(r"--\[no-\]([\w-]+)(.*)", spec)
        if pair:  # zstd writes `--[no-]check` for the two options `--check` and `--no-check`
            found += [([f"--{pair[1]}"], Arg.NONE), ([f"--no-{pair[1]}"], Arg.NONE)]
            continue
        if entry := help_entry(spec):
            found.append(entry)
    return found


def help_entry(spec: str) -> tuple[list[str], Arg] | None:
    """The names of one help line's options (`-F, --field=FIELD`) and the value they show."""
    tokens = spec.replace(",", " ").split()
    names: list[str] = []
    args: set[Arg] = set()
    for index, token in enumerate(tokens):
        name = re.match(r"--?[A-Za-z0-9][\w-]*", token)
        if name is None:
            if not re.match(r"[\[A-Z<{]", token):  # not a value placeholder: the description
                break
            continue
        names.append(name.group())
        rest = token[name.end() :]
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if rest.startswith("[") or following.startswith("["):
            args.add(Arg.OPTIONAL)
        elif rest.startswith(("=", "#")) or re.match(r"[A-Z<{]", following):
            args.add(Arg.REQUIRED)
    if not names:
        return None  # `-#`, zstd's compression levels: the table's numeric option
    arg = Arg.OPTIONAL if Arg.OPTIONAL in args else Arg.REQUIRED if args else Arg.NONE
    return names, arg


def table_long_names(name: str) -> set[str]:
    return {n for o in table(name).options for n in o.long_names}


def lookup(name: str, option_name: str) -> Option | None:
    tool = table(name)
    if option_name.startswith("--"):
        return next((o for o in tool.options if option_name in o.names), None)
    found = tool.short(option_name[1:])
    if found is None and option_name[1:].isdigit():
        return tool.numeric()
    return found


def test_the_table_covers_the_tools_the_grader_promises():
    promised = {"modprobe", "insmod", "rmmod", "modinfo", "depmod", "lsmod", "kmod", "dmesg"}
    promised |= {"journalctl", "make", "dkms", "xz", "zstd", "udevadm", "trace-cmd", "sysctl"}
    assert promised | {"lspci", "sudo"} <= set(TOOLS)


def every_option() -> list[tuple[str, Option]]:
    tools = [*TOOLS.values(), *(s for t in TOOLS.values() for s in t.subcommands.values())]
    return [(tool.name, option) for tool in tools for option in tool.options]


@pytest.mark.parametrize(("tool", "option"), every_option(), ids=lambda v: getattr(v, "name", v))
def test_every_option_says_what_it_does_and_why(tool: str, option: Option):
    assert isinstance(option.effect, Effect)
    assert option.reason.strip(), f"{tool} {option.name} gives no reason"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-v --verbose | output", "NAMES | EFFECT | REASON"),
        ("-v --verbose | loud | prints more", "unknown effect 'loud'"),
        ("-v --verbose | output |", "needs a reason"),
        ("-v --verbose ?? | acts | x", "cannot read '??'"),
        ("= | acts | x", "needs a name"),
        ("-v | acts | x\n-v --verbose | acts | y", "listed twice"),
    ],
)
def test_a_table_line_that_breaks_the_grammar_is_refused_with_its_line(text: str, message: str):
    with pytest.raises(TableError, match=re.escape(message)):
        parse_options("tool", text)


def test_the_grammar_reads_values_marks_defaults_and_shorthands():
    tool = make_tool(
        "t",
        "",
        """
        -k --set-version = <kernel-release> default:release | acts | another kernel
        -T =@ <threads>                | same   | threads
        -b --boot =? ~boot             | acts   | a boot
        -v *                           | output | more
        -l --license >--field=license  | acts   | the license
        -F --field = <field>           | acts   | a field
        -#                             | acts   | a level
        """,
    )
    version, threads, boot, verbose, license_, field, level = tool.options
    assert (version.arg, version.noun, version.default) == (
        Arg.REQUIRED,
        "kernel release",
        "$(uname -r)",
    )
    assert (threads.arg, threads.attached, threads.effect) == (Arg.REQUIRED, True, Effect.SAME)
    assert boot.arg is Arg.OPTIONAL and boot.greedy is not None and boot.greedy.match("-1")
    assert verbose.counted and verbose.effect.ignorable
    assert license_.implies == ("--field", "license") and field.noun == "field"
    assert level.digits and tool.numeric() is level


@pytest.mark.parametrize("name", HELP_CHECKED)
def test_every_long_option_of_the_table_appears_in_help(name: str):
    in_help = {n for names, _ in help_lines(name) for n in names if n.startswith("--")}
    newer = {o for t, o in KMOD_NEWER_THAN_INSTALLED if t == name}
    documented = MAN_ONLY.get(name, set()) | SOURCE_ONLY.get(name, set()) | newer
    assert table_long_names(name) - in_help - documented == set()


@pytest.mark.parametrize("name", HELP_CHECKED)
def test_every_long_option_of_help_is_in_the_table(name: str):
    in_help = {n for names, _ in help_lines(name) for n in names if n.startswith("--")}
    assert in_help - table_long_names(name) == set()


@pytest.mark.parametrize("name", HELP_CHECKED)
def test_aliases_on_one_help_line_are_one_option_of_the_table(name: str):
    for names, _ in help_lines(name):
        options = {lookup(name, n) for n in names}
        assert None not in options, f"{names} not all in the table"
        assert len(options) == 1, f"{names} are not aliases of one option in the table"


@pytest.mark.parametrize("name", HELP_CHECKED)
def test_help_and_table_agree_on_which_options_take_a_value(name: str):
    for names, arg in help_lines(name):
        option = lookup(name, names[0])
        assert option is not None
        if option.implies or option.digits:
            continue  # modinfo -l, sysctl -f: shorthands whose value is implied
        if any((name, n) in VALUE_MARKER_MISSING_IN_HELP for n in names):
            assert option.arg is not Arg.NONE
        else:
            assert option.arg is arg, names


@pytest.mark.parametrize(("name", "options"), sorted(MAN_ONLY.items()))
def test_options_missing_from_help_are_in_the_man_page(name: str, options: set[str]):
    if shutil.which("man") is None:
        pytest.skip("man is not installed")
    section = "8" if name in KMOD_TOOLS else "1"
    result = subprocess.run(
        ["man", section, name], capture_output=True, text=True, env=ENV, timeout=60, check=False
    )
    if result.returncode != 0:
        pytest.skip(f"the man page of {name} is not installed")
    text = re.sub(r".\x08", "", result.stdout).replace("\u2010", "-")
    text = re.sub(r"--\[no-\]([\w-]+)", r"--\1 --no-\1", text)
    assert {o for o in options if o not in text} == set()


def kmod_option_words() -> list[tuple[str, str]]:
    cases = []
    for name in KMOD_TOOLS:
        for option in TOOLS[name].options:
            if any((name, n) in KMOD_NEWER_THAN_INSTALLED for n in option.names):
                continue
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


def test_dry_run_and_force_options_are_marked_as_such():
    assert TOOLS["modprobe"].short("n").effect is Effect.DRY_RUN
    assert TOOLS["depmod"].short("n").effect is Effect.DRY_RUN
    assert TOOLS["make"].short("n").effect is Effect.DRY_RUN
    for tool in ("modprobe", "insmod", "rmmod"):
        assert TOOLS[tool].short("f").effect is Effect.FORCE
    assert TOOLS["modprobe"].long("--force-vermagic")[0].effect is Effect.FORCE


@pytest.mark.parametrize(
    ("tool", "option"),
    [
        ("modprobe", "-v"),
        ("modprobe", "-s"),
        ("modprobe", "-q"),
        ("rmmod", "-v"),
        ("insmod", "-v"),
        ("depmod", "-v"),
        ("depmod", "-w"),
        ("lsmod", "-v"),
        ("make", "-s"),
        ("make", "-w"),
        ("make", "-j"),
        ("journalctl", "--no-pager"),
        ("dmesg", "-P"),
        ("sudo", "-E"),
        ("sudo", "-n"),
        ("sudo", "-H"),
    ],
)
def test_output_only_options_may_be_added_or_left_out(tool: str, option: str):
    found = TOOLS[tool].long(option)[0] if option.startswith("--") else TOOLS[tool].short(option[1])
    assert found is not None and found.effect.ignorable


@pytest.mark.parametrize(
    ("tool", "option"),
    [
        ("modprobe", "-r"),
        ("modprobe", "-a"),
        ("modprobe", "-b"),
        ("modprobe", "-i"),
        ("modinfo", "-F"),
        ("modinfo", "-0"),
        ("dmesg", "-T"),
        ("journalctl", "-k"),
        ("sudo", "-u"),
        ("sudo", "-i"),
        ("sudo", "-D"),
        ("lspci", "-v"),
        ("xz", "-k"),
    ],
)
def test_options_that_change_the_outcome_are_never_ignorable(tool: str, option: str):
    found = TOOLS[tool].long(option)[0] if option.startswith("--") else TOOLS[tool].short(option[1])
    assert found is not None and not found.effect.ignorable
