"""What counts as a log line in a question (docs/bank.md § Log lines), rule by rule."""

from __future__ import annotations

import pytest

from quizzes.bankcheck.logs import (
    command_of,
    listing_kind,
    log_lines,
    prose_log_lines,
    question_log_lines,
    tool_of,
)


def fence(body: str, info: str = "") -> str:
    return f"Look:\n\n```{info}\n{body}\n```\n\nWhy?"


def found(markdown: str) -> list[tuple[str, str, str]]:
    return [(line.origin, line.tool, line.text) for line in log_lines(markdown)]


def test_a_session_yields_the_tool_errors_and_the_output_of_dmesg_only():
    text = fence(
        "$ sudo insmod ./foo.ko\n"
        "insmod: ERROR: could not insert module ./foo.ko: Unknown symbol in module\n"
        "$ sudo dmesg | tail -n 1\n"
        "[  812.334201] foo: Unknown symbol foo_register (err -2)\n"
        "$ cat /proc/sys/kernel/tainted\n"
        "4096"
    )
    assert found(text) == [
        (
            "kmod",
            "insmod",
            "insmod: ERROR: could not insert module ./foo.ko: Unknown symbol in module",
        ),
        ("kernel", "kernel", "foo: Unknown symbol foo_register (err -2)"),
    ]
    assert log_lines(text)[1].command == "sudo dmesg | tail -n 1"


def test_dmesg_output_without_timestamps_is_still_kernel_messages():
    text = fence("$ dmesg | tail -1\nhello: loading out-of-tree module taints kernel.")
    assert found(text) == [("kernel", "kernel", "hello: loading out-of-tree module taints kernel.")]


@pytest.mark.parametrize(
    ("command", "is_kernel"),
    [
        ("journalctl -k -b", True),
        ("journalctl --dmesg", True),
        ("journalctl -kf", True),
        ("journalctl -u systemd-modules-load", False),
    ],
)
def test_bare_journalctl_output_is_kernel_messages_only_with_k(command, is_kernel):
    text = fence(f"$ {command} -o cat\nhello: loading out-of-tree module taints kernel.")
    assert bool(found(text)) is is_kernel


def test_journal_lines_are_messages_of_the_program_they_name():
    text = fence(
        "$ journalctl -b -u systemd-modules-load\n"
        "Nov 26 06:00:01 host systemd-modules-load[312]: Failed to find module 'foo'\n"
        "Nov 26 06:00:01 host kernel: foo: loading out-of-tree module taints kernel."
    )
    assert found(text) == [
        ("systemd-modules-load", "systemd-modules-load", "Failed to find module 'foo'"),
        ("kernel", "kernel", "foo: loading out-of-tree module taints kernel."),
    ]


def test_a_block_without_commands_is_a_kernel_log_unless_it_has_a_listings_shape():
    log = fence("mydrv: module license 'Proprietary' taints kernel.\n...\nmydrv: init done")
    assert [t for _, _, t in found(log)] == [
        "mydrv: module license 'Proprietary' taints kernel.",
        "mydrv: init done",
    ]


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("Module                  Size  Used by\nvfat                   24576  1", "lsmod"),
        (
            "filename:       /lib/modules/6.12.0/kernel/fs/fat/vfat.ko\nlicense:        GPL",
            "modinfo",
        ),
        ("# /etc/modprobe.d/blacklist.conf\nblacklist pcspkr", "file"),
        ("hello 16384 0 - Live 0xffffffffc0a2b000 (OE)", "/proc/modules"),
        ("kernel/fs/vfat/vfat.ko: kernel/fs/fat/fat.ko", "modules.dep"),
        ("nodev\tsysfs\n\text4", "/proc/filesystems"),
        ("unreferenced object 0xffff888106e4a300 (size 128):", "kmemleak"),
        ("  MODPOST /home/dev/m/Module.symvers\nmake[1]: *** [x] Error 1", "build"),
        ("  CC [M]  /home/dev/m/m.o", "build"),
    ],
)
def test_listings_are_recognised_by_their_first_line_and_yield_no_kernel_lines(body, kind):
    assert listing_kind(body.splitlines()) == kind
    assert found(fence(body)) == []


def test_tool_and_modpost_lines_are_found_even_inside_listings():
    text = fence(
        '  MODPOST /home/dev/b/Module.symvers\nERROR: modpost: "a_fn" [/home/dev/b/b.ko] undefined!'
    )
    assert found(text) == [
        ("modpost", "modpost", 'ERROR: modpost: "a_fn" [/home/dev/b/b.ko] undefined!')
    ]


def test_a_file_header_comment_is_not_a_root_prompt():
    text = fence("# /etc/modprobe.d/local.conf\noptions snd-hda-intel power_save=1")
    assert found(text) == []


def test_code_blocks_are_not_read():
    assert found(fence('pr_info("hello: init done\\n");', info="c")) == []
    assert found(fence("obj-m += hello.o", info="make")) == []


def test_inline_code_counts_only_when_it_is_a_whole_message_line():
    text = (
        "It prints `modprobe: FATAL: Module foo not found in directory /lib/modules/6.12.0`"
        " while `Invalid module format` is only a fragment."
    )
    assert found(text) == [
        (
            "kmod",
            "modprobe",
            "modprobe: FATAL: Module foo not found in directory /lib/modules/6.12.0",
        )
    ]


def test_tool_messages_written_as_prose_are_reported():
    assert (
        prose_log_lines(
            "It says insmod: ERROR: could not insert module x.ko: Invalid module format."
        )
        != []
    )
    assert (
        prose_log_lines("`insmod: ERROR: could not insert module x.ko: Invalid module format`")
        == []
    )


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("$ sudo dmesg", "sudo dmesg"),
        ("# modprobe -r vfat", "modprobe -r vfat"),
        ("~/mydrv$ make", "make"),
        ("user@host:~$ lsmod", "lsmod"),
        ("modprobe: FATAL: Module x is in use.", None),
        ("$", None),
    ],
)
def test_prompt_lines_give_their_command(line, command):
    assert command_of(line) == command


@pytest.mark.parametrize(
    ("command", "tool"),
    [
        ("sudo dmesg | tail -1", "dmesg"),
        ("sudo -u root /usr/bin/journalctl -k", "journalctl"),
        ("LC_ALL=C dmesg", "dmesg"),
        ("dmesg --level=err,warn", "dmesg"),
    ],
)
def test_the_tool_of_a_command_is_its_first_stages_program(command, tool):
    assert tool_of(command) == tool


def test_a_question_yields_the_lines_of_its_prompt_explanation_and_spec_texts():
    spec = {
        "options": [
            {"id": "a", "text": "`rmmod: ERROR: Module fat is in use by: vfat`"},
            {"id": "b", "text": "no"},
        ]
    }
    lines = question_log_lines(
        fence("$ dmesg\nfoo: init"), "`insmod: ERROR: missing filename.`", spec
    )
    assert [(where, line.tool) for where, line in lines] == [
        ("prompt", "kernel"),
        ("explanation", "insmod"),
        ("spec.options", "rmmod"),
    ]
