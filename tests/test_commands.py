"""Management commands: load_bank upserts the shipped bank; import_bank takes any format,
export_bank writes any format; demo users can sign in."""

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


def test_bank_report_counts_sources_versions_and_message_formats(tmp_path):
    dated = question(
        "q1",
        "true_false",
        source="modprobe(8) § OPTIONS (kmod 34); Article § Module Management",
        since="kmod 29",
        prompt="```\n$ sudo rmmod fat\nrmmod: ERROR: Module fat is in use by: vfat\n```",
    )
    plain = question("q2", "true_false", source="somewhere")
    kernel = question(
        "q3",
        "true_false",
        source="kernel/module/main.c § load_module() (Linux 6.12)",
        prompt="```\n$ dmesg\nfoo: loading out-of-tree module taints kernel.\nfoo: hello\n```",
    )
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(bank_doc([dated, plain, kernel])))
    run("load_bank", str(path))
    messages = Path(__file__).resolve().parent.parent / "fixtures" / "messages.json"
    report = run("bank_report", "demo", "--messages", str(messages))
    lines = [line.strip() for line in report.splitlines()]
    assert "1  modprobe(8)" in lines and "1  Article" in lines and "1  somewhere" in lines
    assert "1  kmod 34" in lines and "1  Linux 6.12" in lines and "1  (not stated)" in lines
    assert "behaviour since: kmod 29: 1" in lines and "sources outside the convention: 1" in lines
    assert "1  kmod.rmmod.in-use-by" in lines and "1  kernel.module.out-of-tree-taint" in lines
    assert any(
        line.startswith("message formats: 2 of ") and "(3 log lines; 1 match no format)" in line
        for line in lines
    )
    unused = next(line for line in lines if line.startswith("unused formats: "))
    assert "kernel.module.version-magic" in unused and "kmod.rmmod.in-use-by" not in unused


def test_bank_report_refuses_a_missing_message_catalogue(tmp_path):
    run("load_bank", str(SHIPPED))
    with pytest.raises(CommandError, match="no message catalogue"):
        run("bank_report", "linux-kernel-modules", "--messages", str(tmp_path / "none.json"))


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


GIFT = "::g1:: Which tool loads a module with its dependencies? {=modprobe ~insmod ~rmmod}\n"


def test_import_bank_guesses_the_format_previews_then_applies(tmp_path):
    from quizzes.models import ImportRun

    path = tmp_path / "moodle.gift"
    path.write_text(GIFT)
    dry = run("import_bank", str(path), "--bank", "moodle", "--dry-run")
    assert "moodle: 1 created" in dry and "would be applied" in dry
    assert not Bank.objects.exists() and ImportRun.objects.get().status == "preview"
    done = run("import_bank", str(path), "--bank", "moodle")
    assert "1 created" in done and Question.objects.get().external_id == "g1"
    assert ImportRun.objects.latest("pk").format == "gift"
    again = run("import_bank", str(path), "--bank", "moodle")
    assert "0 created, 0 updated, 1 unchanged" in again


def test_import_bank_refuses_a_file_over_the_limit_before_reading_it(tmp_path, settings):
    settings.KMODQUIZ = {**settings.KMODQUIZ, "IMPORT_MAX_BYTES": 100}
    path = tmp_path / "big.json"
    path.write_text(" " * 200)
    for command in (["load_bank", str(path)], ["import_bank", str(path), "--bank", "b"]):
        with pytest.raises(CommandError, match="more than the 100 bytes"):
            run(*command)


def test_a_huge_value_is_never_repeated_on_standard_error(tmp_path):
    bad = bank_doc([question("q1", "true_false", difficulty="x" * 3_000_000)])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(CommandError) as info:
        run("load_bank", str(path))
    assert "questions[0].difficulty" in str(info.value) and len(str(info.value)) < 500


def test_export_bank_writes_every_format_and_lists_what_it_leaves_out(tmp_path):
    run("load_bank", str(SHIPPED))
    slug = Bank.objects.get().slug
    for fmt in ("native", "gift", "aiken", "csv", "moodle_xml", "apkg"):
        target = tmp_path / f"bank.{fmt}"
        err = StringIO()
        call_command(
            "export_bank",
            slug,
            "--format",
            fmt,
            "--output",
            str(target),
            stdout=StringIO(),
            stderr=err,
        )
        assert target.stat().st_size > 0
        if fmt == "aiken":
            assert "left out" in err.getvalue()
    with pytest.raises(CommandError, match="no bank"):
        run("export_bank", "nowhere", "--format", "gift", "--output", str(tmp_path / "x"))
