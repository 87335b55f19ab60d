"""A scenario's log lines must agree: one errno per failure; version magic that can happen."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzes.bankcheck.logs import log_lines
from quizzes.bankcheck.messages import load_catalogue
from quizzes.bankcheck.scenarios import scenario_problems

CATALOGUE = load_catalogue(Path(__file__).resolve().parents[2] / "fixtures" / "messages.json")


def problems(session: str) -> list[str]:
    return scenario_problems(CATALOGUE, log_lines(f"```\n{session}\n```"))


def test_a_crc_mismatch_reported_as_invalid_parameters_agrees():
    assert (
        problems(
            "$ sudo insmod mydrv.ko\n"
            "insmod: ERROR: could not insert module mydrv.ko: Invalid parameters\n"
            "$ sudo dmesg | tail -2\n"
            "mydrv: disagrees about version of symbol usb_register_driver\n"
            "mydrv: Unknown symbol usb_register_driver (err -22)"
        )
        == []
    )


@pytest.mark.parametrize(
    "kernel_line",
    [
        "mydrv: disagrees about version of symbol usb_register_driver",
        "mydrv: Unknown symbol usb_register_driver (err -22)",
    ],
)
def test_a_crc_mismatch_reported_as_invalid_module_format_does_not(kernel_line):
    found = problems(
        "$ sudo insmod mydrv.ko\n"
        "insmod: ERROR: could not insert module mydrv.ko: Invalid module format\n"
        f"$ sudo dmesg | tail -1\n{kernel_line}"
    )
    assert len(found) == 1 and "ENOEXEC" in found[0] and "EINVAL" in found[0]


def test_module_layout_is_the_crc_mismatch_that_gives_enoexec():
    assert (
        problems(
            "$ sudo modprobe mydrv\n"
            "modprobe: ERROR: could not insert 'mydrv': Exec format error\n"
            "$ sudo dmesg | tail -1\n"
            "mydrv: disagrees about version of symbol module_layout"
        )
        == []
    )


def test_a_release_only_vermagic_mismatch_with_modversions_is_impossible():
    assert (
        problems(
            "$ dmesg | tail -1\n"
            "hello: version magic '6.1.0-17-amd64 SMP preempt mod_unload modversions ' "
            "should be '6.1.0-18-amd64 SMP preempt mod_unload modversions '"
        )
        != []
    )
    assert (
        problems(
            "$ dmesg | tail -1\n"
            "hello: version magic '6.5.0 SMP preempt mod_unload ' "
            "should be '6.8.0-45-generic SMP preempt mod_unload modversions '"
        )
        == []
    )


def test_an_error_text_the_tool_never_prints_is_reported():
    found = problems(
        "$ sudo insmod m.ko\ninsmod: ERROR: could not insert module m.ko: Exec format error"
    )
    assert found and "no error text of insmod" in found[0]


@pytest.mark.parametrize(
    ("magic", "ok"),
    [
        ("6.12.9 SMP preempt mod_unload ", True),
        ("6.1.0-18-amd64 SMP preempt mod_unload modversions ", True),
        ("6.12.0 SMP mod_unload aarch64", True),
        ("6.8.0-45-generic SMP preempt_dynamic mod_unload modversions ", False),
        ("6.12.9 mod_unload SMP ", False),
    ],
)
def test_a_vermagic_string_must_have_the_shape_the_kernel_builds(magic, ok):
    kernel = "6.12.10 SMP preempt mod_unload "
    found = problems(f"$ dmesg | tail -1\nhello: version magic '{magic}' should be '{kernel}'")
    assert (found == []) is ok


def test_a_sentence_pairing_an_error_text_with_another_errno_is_reported():
    from quizzes.bankcheck.scenarios import stated_errno_problems

    assert (
        stated_errno_problems(CATALOGUE, 'insmod prints ENOEXEC as "Invalid module format".') == []
    )
    wrong = 'A CRC mismatch gives EINVAL, which insmod shows as "Invalid module format".'
    assert stated_errno_problems(CATALOGUE, wrong) == [
        "'Invalid module format' is ['ENOEXEC'], not EINVAL"
    ]
    # Two texts or two errnos in one sentence are not paired (no guessing which goes with which).
    both = 'ENOEXEC is "Invalid module format" and EINVAL is "Invalid parameters".'
    assert stated_errno_problems(CATALOGUE, both) == []
