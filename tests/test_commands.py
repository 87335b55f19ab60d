"""Management commands: load_bank upserts the shipped bank; demo users can sign in."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from quizzes.models import Bank, Enrollment, Question
from tests.importers.test_native import bank_doc, question

pytestmark = pytest.mark.django_db

SHIPPED = Path(__file__).resolve().parent.parent / "fixtures" / "linux-kernel-modules.json"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_shipped_bank_loads_once_and_then_changes_nothing():
    first = run("load_bank", str(SHIPPED))
    count = Question.objects.count()
    assert count >= 40 and f"{count} created" in first
    second = run("load_bank", str(SHIPPED))
    assert "0 created, 0 updated" in second and f"{count} unchanged" in second
    assert Question.objects.count() == count


def test_a_broken_file_changes_nothing_and_says_where(tmp_path):
    broken = question("q2", "true_false")
    broken["kind"] = "essay"
    bad = bank_doc([question("q1", "true_false"), broken])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, indent=2))
    with pytest.raises(CommandError) as info:
        run("load_bank", str(path))
    assert "questions[1].kind" in str(info.value) and "line " in str(info.value)
    assert not Bank.objects.exists()


def test_demo_users_are_created_idempotently_and_can_sign_in():
    run("load_bank", str(SHIPPED))
    run("ensure_demo_users")
    run("ensure_demo_users")
    learner = authenticate(username="learner", password="kmodquiz-demo")
    instructor = authenticate(username="instructor", password="kmodquiz-demo")
    assert learner is not None and instructor is not None and instructor.is_staff
    assert Enrollment.objects.filter(learner=learner).count() == Bank.objects.count() == 1


def test_bank_report_lists_the_spellings_each_command_question_accepts(tmp_path):
    load = bank_doc(
        [
            question("cmd-unload", "shell_command", spec={"accepted": ["modprobe -r vfat"]}),
            # A second accepted answer that is a dry run lets a change through: it is reported.
            question(
                "cmd-leaky",
                "shell_command",
                spec={"accepted": ["modprobe -r vfat", "modprobe -n -r vfat"]},
            ),
        ]
    )
    path = tmp_path / "report.json"
    path.write_text(json.dumps(load))
    run("load_bank", str(path))
    report = run("bank_report", "demo", "--spellings", "40")
    unload = next(line for line in report.splitlines() if line.startswith("cmd-unload"))
    accepted = int(unload.split()[1])
    assert 20 <= accepted <= 40 and "5/5 changes refused" in unload
    leaky = next(line for line in report.splitlines() if line.startswith("cmd-leaky"))
    assert "ACCEPTED CHANGES: dry run" in leaky
    assert "typed command questions with a grading problem: 1" in report
    assert "spellings" not in run("bank_report", "demo", "--spellings", "0")
