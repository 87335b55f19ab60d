"""What a command line does, rule by rule (docs/formats.md, `shell_command`)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.shell_options import TOOLS, parse_invocation
from quizzes.shell_options.meaning import Meaning, meaning_of, module_name
from quizzes.shellwords import split_command_line


def meaning(line: str, *, strict: bool = False) -> Meaning:
    words = split_command_line(line)[0].stages[0].words
    root, args = words[0], list(words[1:])
    return meaning_of(parse_invocation(TOOLS[root], args), strict=strict)


def same(first: str, second: str, *, strict: bool = False) -> bool:
    return meaning(first, strict=strict) == meaning(second, strict=strict)


# --- module names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("modprobe -r mydrv_usb", "modprobe -r mydrv-usb"),
        ("modprobe snd_hda_intel", "modprobe snd-hda-intel"),
        ("modprobe -a br_netfilter nf_conntrack", "modprobe -a br-netfilter nf-conntrack"),
        ("modprobe -a overlay br_netfilter", "modprobe -a br_netfilter overlay"),
        ("rmmod foo_core", "rmmod foo-core"),
        ("modinfo -F alias my_drv", "modinfo -F alias my-drv"),
        ("modprobe -R fs-vfat", "modprobe -R fs_vfat"),
    ],
)
def test_dash_and_underscore_are_the_same_in_module_names(first: str, second: str):
    assert same(first, second)


def test_module_names_keep_dashes_inside_bracket_patterns():
    assert module_name("usb:v*p*d[0-9]*dc*") == "usb:v*p*d[0-9]*dc*"
    assert module_name("snd-hda[a-z]-x") == "snd_hda[a-z]_x"


@given(st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True), st.randoms(use_true_random=False))
def test_any_mix_of_dashes_and_underscores_names_one_module(name: str, rng):
    respelled = "".join(rng.choice("-_") if c in "-_" else c for c in name)
    assert module_name(respelled) == module_name(name) == module_name(module_name(name))


def test_a_file_name_is_not_a_module_name():
    assert not same("modinfo my-drv.ko", "modinfo my_drv.ko")
    assert not same("modprobe ./hello.ko", "modprobe hello")


# --- parameters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("modprobe i915 enable_fbc=1 modeset=0", "modprobe i915 modeset=0 enable_fbc=1"),
        ("insmod a.ko x=1 y=2 z=3", "insmod a.ko z=3 x=1 y=2"),
        ("insmod a.ko debug_level=3", "insmod a.ko debug-level=3"),
    ],
)
def test_module_parameters_are_a_set(first: str, second: str):
    assert same(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("insmod a.ko x=1", "insmod a.ko x=2"),
        ("insmod a.ko x=1", "insmod a.ko"),
        ("modprobe m dyndbg", "modprobe m dyndbg=+p"),
        ("modprobe foo bar=1", "modprobe bar=1 foo"),  # the module comes first
    ],
)
def test_another_parameter_value_or_a_missing_parameter_differs(first: str, second: str):
    assert not same(first, second)


# --- files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        "hello.ko",
        "./hello.ko",
        "$PWD/hello.ko",
        '"$(pwd)/hello.ko"',
        "${PWD}/hello.ko",
        "`pwd`/hello.ko",
    ],
)
def test_file_arguments_naming_the_same_file_are_the_same(spelling: str):
    assert same("insmod hello.ko", f"insmod {spelling}")
    assert same("modinfo -F vermagic ./hello.ko", f"modinfo -F vermagic {spelling}")


@pytest.mark.parametrize(
    "spelling", ["M=$PWD", "M=$(pwd)", "M=`pwd`", 'M="$PWD"', "M=${PWD}", "M=$PWD/"]
)
def test_kbuild_m_names_the_current_directory_however_it_is_spelled(spelling: str):
    assert same(
        "make -C /lib/modules/$(uname -r)/build M=$(pwd) modules",
        f"make -C /lib/modules/$(uname -r)/build {spelling} modules",
    )


# --- defaults ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("depmod -a", "depmod"),
        ("depmod -n", "depmod -a -n"),
        ("depmod -n", "depmod -n $(uname -r)"),
        ("depmod -a", "depmod -a $(uname -r)"),
        ("depmod -A", "depmod -A -a"),
        ("modinfo e1000e", "modinfo -k $(uname -r) e1000e"),
        ("modprobe -D nvme", "modprobe -S $(uname -r) -D nvme"),
        (
            "make -C /lib/modules/$(uname -r)/build M=$PWD modules",
            "make -C /lib/modules/$(uname -r)/build M=$PWD",
        ),
        ("journalctl -k", "journalctl -k -b"),
        ("journalctl -k", "journalctl -k -b 0"),
        ("journalctl -k -p err", "journalctl -k -p 3"),
        ("journalctl -k -p err", "journalctl -k -p emerg..err"),
        ("sysctl -w kernel.modules_disabled=1", "sysctl kernel.modules_disabled=1"),
        ("sysctl kernel.modules_disabled=1", "sysctl kernel/modules_disabled=1"),
        ("lspci -v", "lspci -v -k"),
        ("udevadm trigger", "udevadm trigger --action=change --type=devices"),
        ("trace-cmd report", "trace-cmd report -i trace.dat"),
        ("trace-cmd report", "trace-cmd report trace.dat"),
        ("modinfo -F license e1000e", "modinfo -l e1000e"),
        ("modinfo -F license e1000e", "modinfo -F LICENSE e1000e"),
        ("dkms install mymod/1.0", "dkms install -m mymod -v 1.0 -k $(uname -r)"),
        ("dmesg -l err,warn", "dmesg --level=warn,err"),
    ],
)
def test_a_default_made_explicit_equals_its_absence(first: str, second: str):
    assert same(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("depmod -a 6.6.30 /lib/modules/6.6.30/a.ko", "depmod 6.6.30 /lib/modules/6.6.30/a.ko"),
        ("depmod -a", "depmod -a 6.8.0-45-generic"),  # another kernel
        ("modinfo e1000e", "modinfo -k 6.8.0-45-generic e1000e"),
        ("journalctl -k", "journalctl -k -b -1"),
        ("journalctl -b", "journalctl"),  # without -k, -b keeps only the current boot
        ("sysctl -w kernel.x", "sysctl kernel.x"),  # no '=': -w writes, its absence reads
        ("lspci -m -v", "lspci -m -v -k"),  # -v implies -k only in the normal output
        ("dkms status mymod", "dkms status mymod -k $(uname -r)"),  # status: all kernels
        (
            "make -C /lib/modules/$(uname -r)/build modules",
            "make -C /lib/modules/$(uname -r)/build",
        ),
    ],
)
def test_an_explicit_value_that_is_not_the_default_counts(first: str, second: str):
    assert not same(first, second)


# --- what options do -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("modprobe -r vfat", "modprobe -rv vfat"),
        ("modprobe vfat", "modprobe -q -s vfat"),
        ("rmmod hello", "rmmod -v hello"),
        ("depmod -a", "depmod -a -w -v"),
        ("make -C dir M=$PWD modules", "make -j8 -s -C dir M=$PWD modules"),
        ("journalctl -k -f", "journalctl --no-pager -k -f"),
    ],
)
def test_output_only_options_may_be_added_or_left_out(first: str, second: str):
    assert same(first, second)
    assert not same(first, second, strict=True)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("modprobe -n -v sctp", "modprobe -n sctp"),
        ("depmod -n", "depmod -n -v"),
        ("make -n modules", "make -n -s modules"),
    ],
)
def test_in_a_dry_run_what_it_prints_is_the_outcome(first: str, second: str):
    assert not same(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("modprobe vfat", "modprobe -n vfat"),
        ("modprobe vfat", "modprobe -f vfat"),
        ("modprobe vfat", "modprobe --force-vermagic vfat"),
        ("rmmod hello", "rmmod -f hello"),
        ("modprobe -r vfat", "modprobe -r ext4"),
        ("modprobe -r vfat", "modprobe -r"),
        ("modinfo -F license e1000e", "modinfo -F author e1000e"),
        ("make -C dir M=$PWD modules", "make -C dir M=$PWD clean"),
        ("modprobe -r vfat", "modprobe -r -w 1000 vfat"),
        ("lspci -v", "lspci -vv"),
        ("rmmod foo_client foo_core", "rmmod foo_core foo_client"),  # removal order counts
        ("modprobe -r a b", "modprobe -r b a"),
        ("modprobe -a a b", "modprobe -a a"),
    ],
)
def test_options_and_operands_that_change_the_outcome_differ(first: str, second: str):
    assert not same(first, second)


def test_set_aside_options_are_kept_apart_for_feedback():
    found = meaning("modprobe -rv vfat")
    assert [g.name for g in found.ignored] == ["--verbose"]
    assert [(o.role, o.value) for o in found.operands] == [("module", "vfat")]
