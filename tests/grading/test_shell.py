"""Typed commands are graded by what they do, and a rejection says what differs and where."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.grading import InvalidAnswer, Verdict, grade, unknown_options
from quizzes.shell_options import TOOLS, Arg
from quizzes.shell_variants import mutations, variants

KBUILD = "make -C /lib/modules/$(uname -r)/build M=$(pwd) modules"
DYNDBG = "echo 'module m +p' > /sys/kernel/debug/dynamic_debug/control"


def check(accepted: str | list[str], answer: str, **spec: Any) -> Verdict:
    lines = [accepted] if isinstance(accepted, str) else accepted
    return grade("shell_command", {"accepted": lines, **spec}, answer)


# --- the failures that opened issue 8 ------------------------------------------------------------


@pytest.mark.parametrize(
    ("accepted", "answer"),
    [
        ("modprobe -r vfat", "sudo modprobe -rv vfat"),  # the README promises it
        ("modprobe -r mydrv_usb", "modprobe -r mydrv-usb"),
        ("modprobe foo", "sudo -E modprobe foo"),
        ("insmod hello.ko", "insmod $PWD/hello.ko"),
        ("depmod -a", "depmod"),
        ("depmod -n", "depmod -n $(uname -r)"),
        ("depmod -n | grep acme_wdt", "depmod -n $(uname -r) | grep acme_wdt"),
    ],
)
def test_the_right_answers_issue_8_reports_as_failed_are_accepted(accepted: str, answer: str):
    verdict = check(accepted, answer)
    assert (verdict.correct, verdict.score, verdict.feedback) == (True, 1.0, "Correct.")


# --- equivalences, rule by rule (docs/formats.md) ------------------------------------------------


@pytest.mark.parametrize(
    ("accepted", "answer"),
    [
        # option spelling (getopt_long)
        ("modprobe -r snd_hda_intel", "modprobe --remove snd_hda_intel"),
        ("modprobe -r snd_hda_intel", "modprobe snd_hda_intel -r"),
        ("modprobe -r -v snd_hda_intel", "modprobe -rv snd_hda_intel"),
        ("modprobe -c", "modprobe --show-config"),
        ("modinfo -F license e1000e", "modinfo -Flicense e1000e"),
        ("modinfo -F license e1000e", "modinfo --field license e1000e"),
        ("modinfo -F license e1000e", "modinfo e1000e --field='license'"),
        ("modinfo -F license e1000e", 'modinfo "e1000e" -F "license"'),
        ("make -j4 modules", "make modules --jobs=4"),
        ("make V=1 M=$(pwd)", "make M=$(pwd) V=1"),
        ("dmesg -T | grep -i usb", "dmesg --ctime | grep -i usb"),
        ("journalctl -k -b -1", "journalctl --dmesg --boot=-1"),
        ("journalctl -k -b -1", "journalctl -kb -1"),
        ("journalctl -u systemd-modules-load", "journalctl --unit systemd-modules-load"),
        ("depmod -a && modprobe hello", "sudo depmod --all && sudo modprobe hello"),
        # module names
        ("modprobe snd_hda_intel", "modprobe snd-hda-intel"),
        ("rmmod foo_client foo_core", "rmmod foo-client foo-core"),
        ("modinfo -p i915", "modinfo --parameters i915"),
        (
            "echo blacklist my_drv > /etc/modprobe.d/my.conf",
            "echo blacklist my-drv > /etc/modprobe.d/my.conf",
        ),
        (
            "echo 'softdep my_drv pre: fw_loader' > /etc/modprobe.d/my.conf",
            'echo "softdep my-drv pre: fw-loader" > /etc/modprobe.d/my.conf',
        ),
        (
            "echo 'alias pci:v1* my_drv' > /etc/modprobe.d/a.conf",
            "echo alias pci:v1* my-drv > /etc/modprobe.d/a.conf",
        ),
        ("echo my_drv > /etc/modules-load.d/my.conf", "echo my-drv > /etc/modules-load.d/my.conf"),
        # output-only options
        ("modprobe -r vfat", "modprobe --verbose --remove vfat"),
        ("modprobe vfat", "modprobe -s -q vfat"),
        ("depmod -a", "depmod -a -v"),
        (KBUILD, "make -j$(nproc) -C /lib/modules/$(uname -r)/build M=$(pwd) modules"),
        ("journalctl -k -f", "journalctl -k -f --no-pager"),
        # sudo and full paths
        ("modprobe -r snd_hda_intel", "/sbin/modprobe -r snd_hda_intel"),
        ("modprobe foo", "sudo -H -n modprobe foo"),
        ("modprobe foo", "sudo -u root -- /usr/sbin/modprobe foo"),
        ("modprobe foo", "sudo --preserve-env modprobe foo"),
        ("unxz hello.ko.xz", "xz -d hello.ko.xz"),
        ("xz -dc hello.ko.xz", "xzcat hello.ko.xz"),
        ("zstd -d hello.ko.zst", "unzstd hello.ko.zst"),
        ("zstd --rm hello.ko", "zstd -k --rm hello.ko"),
        ("zstd --no-check hello.ko", "zstd -C --no-check hello.ko"),
        ("lsmod", "kmod list"),
        (
            "./scripts/sign-file sha512 k.pem k.x509 a.ko",
            "scripts/sign-file sha512 k.pem k.x509 a.ko",
        ),
        # defaults made explicit
        ("depmod -a", "depmod -a $(uname -r)"),
        ("depmod -a", "depmod 6.1.0-18-amd64"),
        ("modinfo -k $(uname -r) e1000e", "modinfo e1000e"),
        ("modinfo -k $(uname -r) e1000e", "modinfo --set-version=6.1.0-18-amd64 e1000e"),
        ("modinfo -F firmware iwlwifi", "modinfo -k6.1.0-18-amd64 -F firmware iwlwifi"),
        ("modprobe -D nvme", "modprobe -S $(uname -r) -D nvme"),
        (KBUILD, "make -C /lib/modules/$(uname -r)/build M=$(pwd)"),
        ("journalctl -k -p err", "journalctl -k -b -p 3"),
        ("sysctl -w kernel.modules_disabled=1", "sysctl kernel/modules_disabled=1"),
        ("modinfo -F license e1000e", "modinfo -l e1000e"),
        # files
        ("insmod hello.ko", "sudo insmod ./hello.ko"),
        ("insmod hello.ko", 'insmod "$(pwd)/hello.ko"'),
        ("insmod hello.ko", "insmod ${PWD}/hello.ko"),
        ("insmod hello.ko", "insmod `pwd`/hello.ko"),
        ("modinfo ./hello.ko", "modinfo hello.ko"),
        (KBUILD, "make -C /lib/modules/6.1.0-18-amd64/build M=$PWD modules"),
        (KBUILD, "make M=`pwd` --directory=/lib/modules/`uname -r`/build modules"),
        (KBUILD, "make modules M=$(PWD) -C/lib/modules/5.15.0-91-generic/build/"),
        (KBUILD, 'make -C "/lib/modules/$(uname -r)/build" M="$(pwd)" modules'),
        (KBUILD, "make -C /lib/modules/$(uname -r)/build M=$PWD/ modules"),
        ("ls /sys/module/jbd2/holders", "ls /sys/module/jbd2/holders/"),
        # parameters
        ("insmod hello.ko greeting=hi", "insmod hello.ko 'greeting=hi'"),
        ("insmod ./mymodule.ko a=1 b=2", "insmod mymodule.ko b=2 a=1"),
        ("modprobe i915 enable_fbc=1 modeset=0", "modprobe i915 modeset=0 enable-fbc=1"),
        # what echo prints; tee
        (DYNDBG, 'echo "module m +p" >/sys/kernel/debug/dynamic_debug/control'),
        (DYNDBG, "echo module\\ m\\ +p > /sys/kernel/debug/dynamic_debug/control"),
        (DYNDBG, "echo module m +p > /sys/kernel/debug/dynamic_debug/control"),
        (DYNDBG, "echo 'module m +p' | sudo tee /sys/kernel/debug/dynamic_debug/control"),
        (DYNDBG, "echo 'module m +p' | tee /sys/kernel/debug/dynamic_debug/control > /dev/null"),
        ("echo x >> /etc/modules", "echo x | sudo tee -a /etc/modules"),
        # commands outside the table
        ("uname -r", "uname -r"),
        ("ls /lib/modules/$(uname -r)/kernel", "ls /lib/modules/6.8.9-300.fc40.x86_64/kernel"),
        ("apt install linux-headers-$(uname -r)", "sudo apt install linux-headers-6.1.0-18-amd64"),
        ("dmesg | tail -50", "sudo dmesg | tail -50"),
        ("dmesg | tail -50", "dmesg|tail -50"),
        ("cat /proc/modules", "/usr/bin/cat /proc/modules"),
    ],
)
def test_equivalent_command_lines_are_accepted(accepted: str, answer: str):
    verdict = check(accepted, answer)
    assert verdict.correct is True, verdict.feedback
    assert verdict.score == 1.0


# --- rejections say what differs, in the learner's words ----------------------------------------


@pytest.mark.parametrize(
    ("accepted", "answer", "feedback"),
    [
        (
            "modprobe -r vfat",
            "sudo modprobe -r ext4",
            "word 4: another module: expected vfat, got ext4",
        ),
        ("modprobe -r vfat", "modprobe -r", "missing module vfat"),
        ("modprobe -r vfat", "modprobe -rf vfat", "word 2: unexpected force option -f"),
        (
            "modprobe -r vfat",
            "sudo -E modprobe --force -r vfat",
            "word 4: unexpected force option --force",
        ),
        ("modprobe -r vfat", "modprobe -nr vfat", "word 2: -n makes it a dry run"),
        (
            "modprobe -r vfat",
            "rmmod vfat",
            "word 1: a different tool: expected modprobe, got rmmod",
        ),
        ("modprobe -r vfat", "sudo -n rmmod vfat", "word 3: a different tool"),
        ("modprobe -r vfat", "modprobe vfat", "missing option -r"),
        ("modprobe -n -v sctp", "modprobe -v sctp", "missing dry run -n"),
        ("modprobe -n -v sctp", "modprobe -n sctp", "missing option -v"),
        (
            "modprobe -r vfat",
            "modprobe -r --bogus vfat",
            "word 3: unknown option --bogus for modprobe",
        ),
        ("modprobe -r vfat", "modprobe -rz vfat", "word 2: unknown option -z for modprobe"),
        (
            "modinfo -F license e1000e",
            "modinfo -F author e1000e",
            "word 2: another field for -F: expected license, got author",
        ),
        (
            "modinfo -F license e1000e",
            "modinfo -a e1000e",
            "another field for -a: expected license, got author",
        ),
        ("modinfo -F license e1000e", "modinfo e1000e -F", "option -F needs a value"),
        (
            "modprobe -w 1000 -r foo",
            "modprobe -w 10 -r foo",
            "word 2: another timeout for -w: expected 1000, got 10",
        ),
        ("insmod hello.ko", "insmod hello.ko extra", "word 3: unexpected parameter extra"),
        (
            "insmod hello.ko x=1",
            "insmod hello.ko x=2",
            "word 3: another value for parameter x: expected x=1, got x=2",
        ),
        ("insmod hello.ko x=1", "insmod hello.ko", "missing parameter x=1"),
        (
            "insmod hello.ko",
            "insmod other.ko",
            "word 2: another module file: expected hello.ko, got other.ko",
        ),
        (
            "modprobe foo bar=1",
            "modprobe bar=1 foo",
            "word 2: another module: expected foo, got bar=1",
        ),
        (
            KBUILD,
            "make -C /lib/modules/$(uname -r)/build modules",
            "missing make variable M=$(pwd)",
        ),
        (
            KBUILD,
            "make -C /lib/modules/$(uname -r)/build M=$(pwd) clean",
            "word 5: another target: expected modules, got clean",
        ),
        ("make modules", "make V=1 modules", "word 2: unexpected make variable V=1"),
        ("dmesg | tail -50", "dmesg", "pipeline of 2"),
        ("dmesg | tail -50", "dmesg | tail -n 50", "word 3 differs: expected '-50', got '-n'"),
        (
            "dmesg | tail -50",
            "dmesg | head -50",
            "word 2: a different tool: expected tail, got head",
        ),
        (DYNDBG, "echo 'module m +p'", "missing redirection"),
        (DYNDBG, "echo 'module m +p' >> /sys/kernel/debug/dynamic_debug/control", "redirection"),
        (DYNDBG, "echo 'module m -p' > /sys/kernel/debug/dynamic_debug/control", "word 2 differs"),
        (
            "journalctl -k -b -1",
            "journalctl -k -b",
            "word 3: another boot for -b: expected -1, got (none)",
        ),
        ("journalctl -k", "journalctl -k -x", "word 3: unexpected option -x"),
        # zstd(1): of --rm and -k, the one given last decides
        ("zstd --rm hello.ko", "zstd --rm -k hello.ko", "missing option --rm"),
        ("zstd --no-check hello.ko", "zstd --no-check -C hello.ko", "missing option --no-check"),
        ("depmod -a && modprobe foo", "depmod -a; modprobe foo", "expected &&"),
        ("depmod -a && modprobe foo", "modprobe foo", "command(s) in sequence"),
        ("modprobe foo", "sudo -u bob modprobe foo", "word 2: unexpected sudo option -u"),
        ("insmod a.ko", "sudo -D /tmp insmod a.ko", "unexpected sudo option -D"),
        ("modprobe foo", "sudo", "a different tool: expected modprobe, got (nothing)"),
        (
            "modprobe foo",
            "/usr/bin/kmod foo",
            "word 1: a different tool: expected modprobe, got kmod",
        ),
    ],
)
def test_different_command_lines_are_wrong_and_say_how(accepted: str, answer: str, feedback: str):
    verdict = check(accepted, answer)
    assert (verdict.correct, verdict.score) == (False, 0.0)
    assert feedback in verdict.feedback


def test_word_numbers_count_every_word_as_typed_across_the_line():
    verdict = check("depmod -a && modprobe -r vfat", "sudo depmod -a && sudo -E modprobe -r ext4")
    assert "word 8: another module: expected vfat, got ext4" in verdict.feedback


def test_a_strict_question_counts_every_option():
    spec = {"strict_options": True}
    assert check("modprobe -n -v sctp", "modprobe -vn sctp", **spec).correct
    assert not check("modprobe -r vfat", "modprobe -rv vfat", **spec).correct
    assert not check("depmod -a", "depmod", **spec).correct
    assert check("modprobe -r vfat", "sudo modprobe -r vfat-", **spec).correct is False
    assert check(
        "modprobe -r my_drv", "sudo modprobe -r my-drv", **spec
    ).correct  # names still fold


def test_a_literal_release_is_wrong_when_the_question_forbids_it():
    spec = {"allow_literal_release": False}
    assert not check(KBUILD, KBUILD.replace("$(uname -r)", "6.1.0-18-amd64"), **spec).correct
    assert check(KBUILD, KBUILD.replace("$(uname -r)", "`uname -r`"), **spec).correct
    verdict = check("depmod -a 6.8.0-45-generic", "depmod -a", **spec)
    assert "missing kernel release 6.8.0-45-generic" in verdict.feedback


def test_any_accepted_answer_makes_it_correct_and_feedback_follows_the_closest():
    accepted = ["modprobe -r snd_hda_intel", "rmmod snd_hda_intel"]
    assert check(accepted, "rmmod snd_hda_intel").correct
    verdict = check(accepted, "rmmod -f snd_hda_intel")
    assert verdict.feedback == "Not quite: word 2: unexpected force option -f."
    assert verdict.expected == "modprobe -r snd_hda_intel"


def test_an_unreadable_accepted_answer_accepts_nothing_but_spoils_nothing():
    accepted = ["modprobe 'snd_hda_intel", "rmmod snd_hda_intel"]
    assert check(accepted, "rmmod snd_hda_intel").correct
    assert not check(accepted, "modprobe 'snd_hda_intel'").correct


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("modprobe -r 'snd_hda_intel", "unbalanced quote"),
        ('echo "module m +p', "unbalanced quote"),
        ("make -C /lib/modules/$(uname -r/build", "unbalanced $("),
        ("echo `uname -r", "unbalanced backtick"),
        ("dmesg |", "ends with |"),
    ],
)
def test_an_unreadable_command_line_is_wrong_and_says_why(answer: str, reason: str):
    verdict = check("modprobe -r snd_hda_intel", answer)
    assert (verdict.correct, verdict.score) == (False, 0.0)
    assert reason in verdict.feedback
    assert verdict.expected == "modprobe -r snd_hda_intel"


@pytest.mark.parametrize("answer", [None, 42, ["modprobe", "-r"], {"cmd": "x"}])
def test_a_shell_answer_must_be_a_string(answer: Any):
    with pytest.raises(InvalidAnswer, match="must be a string"):
        grade("shell_command", {"accepted": ["modprobe -r foo"]}, answer)


# --- properties ----------------------------------------------------------------------------------

PROPERTY_TOOLS = ["modprobe", "modinfo", "depmod", "rmmod", "dmesg", "journalctl", "make"]
NAME = st.from_regex(r"[a-z][a-z0-9]{0,7}", fullmatch=True)


def short_flags(tool: str, arg: Arg) -> list[str]:
    return sorted(
        {
            n[1]
            for o in TOOLS[tool].options
            if o.arg is arg and not o.implies and not o.counted
            for n in o.short_names
        }
    )


@st.composite
def flag_rewrites(draw: st.DrawFn) -> tuple[str, str]:
    """An accepted command line and the same command with flags reordered, split or combined."""
    tool = draw(st.sampled_from(PROPERTY_TOOLS))
    flags = draw(
        st.lists(st.sampled_from(short_flags(tool, Arg.NONE)), min_size=1, max_size=6, unique=True)
    )
    valued = short_flags(tool, Arg.REQUIRED)
    value_flag = draw(st.none() | st.sampled_from(valued)) if valued else None
    value = draw(NAME)
    positionals = draw(st.lists(NAME, max_size=3))

    accepted = [tool, *(f"-{f}" for f in flags)]
    if value_flag:
        accepted += [f"-{value_flag}", value]
    accepted += positionals

    order = draw(st.permutations(flags))
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(order) - 1)), max_size=len(order))))
    clusters = [
        "-" + "".join(order[a:b]) for a, b in zip([0, *cuts], [*cuts, len(order)], strict=False)
    ]
    clusters = [c for c in clusters if c != "-"]
    units = [[c] for c in clusters]
    if value_flag:
        style = draw(st.sampled_from(["separate", "attached", "in_cluster"]))
        if style == "separate":
            units.append([f"-{value_flag}", value])
        elif style == "attached":
            units.append([f"-{value_flag}{value}"])
        else:
            units[-1] = [units[-1][0] + value_flag, value]
    units = draw(st.permutations(units))
    # Options may come before, between or after the positionals (getopt permutes them).
    slots = sorted(
        draw(st.lists(st.integers(0, len(positionals)), min_size=len(units), max_size=len(units)))
    )
    answer = [draw(st.sampled_from(["", "sudo", "sudo -E", "sudo -u root --"])), tool]
    for index in range(len(positionals) + 1):
        for unit, slot in zip(units, slots, strict=True):
            if slot == index:
                answer += unit
        if index < len(positionals):
            answer.append(positionals[index])
    return " ".join(accepted), " ".join(w for w in answer if w)


@settings(deadline=None, max_examples=200)
@given(flag_rewrites())
def test_reordered_split_or_combined_short_flags_are_still_accepted(case: tuple[str, str]):
    accepted, answer = case
    verdict = check(accepted, answer)
    assert verdict.correct is True, (accepted, answer, verdict.feedback)


COMMANDS = st.builds(
    lambda tool, module, params, flags: " ".join([tool, *flags, module, *params]),
    st.sampled_from(["modprobe", "insmod"]),
    st.from_regex(r"[a-z][a-z0-9]{0,5}([-_][a-z0-9]{1,4}){0,2}", fullmatch=True),
    st.lists(
        st.from_regex(r"[a-z]{1,6}(_[a-z]{1,3})?=[0-9]{1,3}", fullmatch=True),
        max_size=3,
        unique_by=lambda p: p.split("=")[0],
    ),
    st.lists(st.sampled_from(["-v", "-s", "-q", "-b", "-i"]), max_size=2, unique=True),
)


def insmod_safe(line: str) -> str:
    # insmod takes a file: give it one, and keep only the options insmod has.
    words = line.split()
    if words[0] == "insmod":
        words = [w for w in words if w not in ("-b", "-i", "-q")]
        flags = [w for w in words if w.startswith("-")]
        rest = [w for w in words[1:] if not w.startswith("-")]
        words = ["insmod", *flags, rest[0] + ".ko", *rest[1:]]
    return " ".join(words)


@settings(deadline=None, max_examples=150)
@given(COMMANDS.map(insmod_safe), st.integers(0, 1000))
def test_every_spelling_the_variant_generator_draws_is_accepted(line: str, seed: int):
    for variant in variants(line, count=15, seed=seed):
        verdict = check(line, variant)
        assert verdict.correct is True, (line, variant, verdict.feedback)


@settings(deadline=None, max_examples=150)
@given(COMMANDS.map(insmod_safe))
def test_a_dry_run_a_force_option_another_or_a_missing_module_is_never_accepted(line: str):
    found = mutations(line)
    assert {kind for kind, _ in found} >= {"another module", "missing module", "force"}
    for kind, mutated in found:
        verdict = check(line, mutated)
        assert verdict.correct is False, (kind, line, mutated)
        assert verdict.feedback.startswith("Not quite: ")


SHELLISH = st.text(alphabet=st.sampled_from(list("-ab rFjC'\"$()`|&;<>\\=/1.")), max_size=40)


@settings(deadline=None, max_examples=200)
@given(st.one_of(st.text(), SHELLISH, SHELLISH.map(lambda s: "sudo modprobe " + s)))
def test_random_command_lines_grade_without_raising(line: str):
    verdict = check([KBUILD, "modprobe -r snd_hda_intel"], line)
    assert verdict.correct in (True, False)
    assert verdict.feedback


@settings(deadline=None, max_examples=200)
@given(
    st.one_of(
        st.text(), SHELLISH.map(lambda s: "modprobe " + s), SHELLISH.map(lambda s: "make " + s)
    )
)
def test_unknown_options_never_raises(line: str):
    found = unknown_options(line)
    assert all(isinstance(o, str) and o.startswith("-") for o in found)
    assert all(re.fullmatch(r"--?.+", o) for o in found)
