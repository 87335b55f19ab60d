"""The variant generator draws equivalent spellings and real changes; the bank's commands hold."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from quizzes import grading
from quizzes.importers import native
from quizzes.importers.base import ParsedQuestion
from quizzes.shell_variants import LITERAL_RELEASE, mutations, variants
from quizzes.shellwords import split_command_line

BANK = Path(__file__).resolve().parent.parent / "fixtures" / "linux-kernel-modules.json"
PER_QUESTION = 60  # bank_report draws 300; this keeps the suite quick and still varied


@lru_cache(maxsize=1)
def command_questions() -> list[ParsedQuestion]:
    return [q for q in native.parse(BANK.read_bytes()).questions if q.kind == "shell_command"]


def test_the_same_line_gives_the_same_spellings():
    assert variants("modprobe -r vfat", count=50) == variants("modprobe -r vfat", count=50)
    assert variants("modprobe -r vfat", count=50, seed=1) != variants("modprobe -r vfat", count=50)


def test_spellings_are_distinct_readable_and_many():
    drawn = variants("insmod ./mymodule.ko debug_level=3", count=300)
    assert len(drawn) == len(set(drawn)) > 200
    for line in drawn:
        split_command_line(line)  # raises if a spelling could not be read


def test_the_spellings_use_the_rules_of_the_formats_page():
    drawn = " ".join(variants("make -C /lib/modules/$(uname -r)/build M=$PWD modules", count=300))
    for spelling in ("sudo", "/usr/bin/make", "--directory", "`uname -r`", "`pwd`", "${PWD}"):
        assert spelling in drawn
    modules = " ".join(variants("modprobe -r mydrv_usb", count=300))
    assert "mydrv-usb" in modules and "--remove" in modules and "-v" in modules


def test_a_literal_release_is_drawn_only_where_the_question_allows_it():
    line = "ls /lib/modules/$(uname -r)/extra"
    assert any(LITERAL_RELEASE in v for v in variants(line, count=200))
    forbidden = {"allow_literal_release": False}
    assert not any(LITERAL_RELEASE in v for v in variants(line, forbidden, count=200))


def test_a_strict_question_gets_no_added_or_dropped_options():
    drawn = variants("modprobe -r vfat", {"strict_options": True}, count=200)
    assert not any(" -v" in v or "--verbose" in v or "-q" in v for v in drawn)


def test_mutations_name_what_they_change():
    kinds = {kind for kind, _ in mutations("modprobe -r vfat")}
    assert kinds >= {"dry run", "force", "another module", "missing module", "another tool"}
    assert (
        dict(mutations("modinfo -F license e1000e"))["another field"]
        == "modinfo -F licensex e1000e"
    )
    assert "another target" in dict(mutations("make -C dir M=$PWD modules"))


@pytest.mark.parametrize("question", command_questions(), ids=lambda q: q.external_id)
def test_every_drawn_spelling_of_a_bank_command_is_accepted(question: ParsedQuestion):
    first = question.spec["accepted"][0]
    drawn = variants(first, question.spec, count=PER_QUESTION)
    assert drawn
    rejected = [
        (v, verdict.feedback)
        for v in drawn
        if not (verdict := grading.grade("shell_command", question.spec, v)).correct
    ]
    assert rejected == []


@pytest.mark.parametrize("question", command_questions(), ids=lambda q: q.external_id)
def test_every_change_of_a_bank_command_is_refused(question: ParsedQuestion):
    changes = mutations(question.spec["accepted"][0], question.spec)
    assert changes
    accepted = [
        (kind, line)
        for kind, line in changes
        if grading.grade("shell_command", question.spec, line).correct
    ]
    assert accepted == []
