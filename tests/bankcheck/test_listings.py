"""Listings must be what the tools print: lsmod's columns, /proc/modules' fields, modinfo's."""

from __future__ import annotations

import pytest

from quizzes.bankcheck.listings import (
    listing_problems,
    lsmod_row_problem,
    modinfo_row_problem,
    proc_modules_problem,
)


@pytest.mark.parametrize(
    ("line", "ok"),
    [
        ("vfat                   24576  1", True),
        ("fat                    86016  1 vfat", True),
        ("snd_hda_codec         184320  4 snd_hda_codec_hdmi,snd_hda_intel", True),
        ("a_module_name_longer_than_19    16384  0", True),  # %-19s overflows, %8ld pads
        ("vfat  24576  1", False),  # columns not padded
        ("vfat                   24576 1", False),  # one space before the count
        ("fat                    86016  1 vfat, msdos", False),  # holders are comma-joined
    ],
)
def test_lsmod_rows_follow_kmods_printf(line, ok):
    assert (lsmod_row_problem(line) is None) is ok


@pytest.mark.parametrize(
    ("line", "ok"),
    [
        ("hello 16384 0 - Live 0xffffffffc0a2b000 (OE)", True),
        ("fat 86016 1 vfat, Live 0x0000000000000000", True),
        ("mymod 16384 0 [permanent], Live 0x0000000000000000 (O)", True),
        ("hello 16384 1 - Loading 0xffffffffc0a2b000 (OE+)", True),
        ("fat 86016 1 vfat Live 0x0000000000000000", False),  # users end with a comma
        ("hello 16384 0 - Running 0xffffffffc0a2b000", False),
        ("hello 16384 0 - Live 0xc0a2b000", False),  # %px prints 16 digits on 64-bit
    ],
)
def test_proc_modules_lines_follow_m_show(line, ok):
    assert (proc_modules_problem(line) is None) is ok


@pytest.mark.parametrize(
    ("line", "ok"),
    [
        ("filename:       /lib/modules/6.12.9/kernel/fs/fat/vfat.ko", True),
        ("license:        GPL", True),
        ("parm:           numdummies:Number of dummy pseudo devices (int)", True),
        ("depends:", True),
        ("license: GPL", False),
        ("License:        GPL", False),
    ],
)
def test_modinfo_rows_start_the_value_at_column_17(line, ok):
    assert (modinfo_row_problem(line) is None) is ok


def test_listings_are_found_in_sessions_and_in_bare_blocks():
    session = (
        "```\n$ lsmod | grep vfat\nvfat  24576  1\n$ grep fat /proc/modules\n"
        "fat 86016 1 vfat Live 0x0000000000000000\n$ modinfo -F license vfat\nGPL\n```"
    )
    assert len(listing_problems(session)) == 2  # the -F output is a value, not a field line
    bare = "```\nModule                  Size  Used by\nvfat 24576 1\n```"
    assert listing_problems(bare) == ["'vfat 24576 1' is not an lsmod row"]
    assert listing_problems("```c\nvfat 24576 1\n```") == []
