"""The shipped kernel-modules bank: valid, big enough, covering every section, answers right."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from functools import lru_cache
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from quizzes import grading
from quizzes.bankcheck.similarity import THRESHOLD, pair_scores
from quizzes.bankcheck.sources import SINCE_RE, parse_source
from quizzes.importers import native
from quizzes.importers.base import ParsedBank, ParsedQuestion

BANK = Path(__file__).resolve().parent.parent / "fixtures" / "linux-kernel-modules.json"
SECTIONS = [
    "concepts",
    "commands",
    "locations",
    "metadata-lifecycle",
    "configuration",
    "development",
    "debugging",
    "module-types",
    "security",
    "memory",
    "locking",
    "troubleshooting",
    "best-practices",
]
COMMANDS = ["lsmod", "modinfo", "insmod", "modprobe", "rmmod", "depmod"]
KINDS = [
    "flashcard",
    "single_choice",
    "multiple_choice",
    "true_false",
    "short_answer",
    "shell_command",
    "cloze",
    "ordering",
    "matching",
]


@lru_cache(maxsize=1)
def bank() -> ParsedBank:
    return native.parse(BANK.read_bytes())  # schema + consistency checks, or ParseError


def questions() -> list[ParsedQuestion]:
    return bank().questions


def section(q: ParsedQuestion) -> str:
    return q.topics[0].split("/")[0]


def text_of(q: ParsedQuestion) -> str:
    return " ".join([q.prompt, q.explanation, str(q.spec)])


def test_the_bank_has_at_least_300_questions_with_unique_ids() -> None:
    ids = [q.external_id for q in questions()]
    assert len(ids) >= 300
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("name", SECTIONS)
def test_every_section_has_at_least_12_questions(name: str) -> None:
    assert Counter(section(q) for q in questions())[name] >= 12


@pytest.mark.parametrize("command", COMMANDS)
def test_every_management_command_has_its_own_questions(command: str) -> None:
    count = sum(1 for q in questions() if q.topics[0] == f"commands/{command}")
    assert count >= 12


def test_topics_form_a_tree_with_finer_topics_below_sections() -> None:
    slugs = {t.slug: t for t in bank().topics}
    assert set(SECTIONS) <= set(slugs)
    assert slugs["commands/modprobe"].parent == "commands"


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_used_at_least_ten_times(kind: str) -> None:
    assert Counter(q.kind for q in questions())[kind] >= 10


# Issue 9's targets. The questions that reach them come from branch bank-new: until it is
# merged these fail, and strict xfail turns into a failure the moment they pass, so the marker
# is removed at that merge (docs/bank.md § Targets).
def test_the_bank_has_at_least_600_questions() -> None:
    assert len(questions()) >= 600


def test_every_kind_is_used_at_least_15_times_and_130_commands_are_typed() -> None:
    counts = Counter(q.kind for q in questions())
    assert min(counts[kind] for kind in KINDS) >= 15
    assert counts["shell_command"] >= 130


def test_shell_and_scenario_question_counts() -> None:
    assert sum(q.kind == "shell_command" for q in questions()) >= 60
    assert sum("scenario" in q.tags for q in questions()) >= 25


def test_every_question_has_an_explanation_a_source_and_a_difficulty() -> None:
    for q in questions():
        assert len(q.explanation.strip()) >= 40, q.external_id
        assert q.source.strip(), q.external_id
        assert q.difficulty in (1, 2, 3), q.external_id


# Sources in the convention's shape, range by range (every range is re-verified).
RANGES = ["km-c-", "km-l-", "km-n-", "km-d-", "km-t-", "km-m-"]


@pytest.mark.parametrize("prefix", RANGES)
def test_every_source_names_primary_sources_with_section_and_version(prefix: str) -> None:
    bad = [
        (q.external_id, q.source)
        for q in questions()
        if q.external_id.startswith(prefix) and parse_source(q.source) is None
    ]
    assert bad == []


def test_a_stated_since_is_a_version_the_prompt_or_explanation_also_names() -> None:
    for q in questions():
        if q.since:
            assert SINCE_RE.fullmatch(q.since), (q.external_id, q.since)
            number = q.since.split()[-1]
            assert number in q.prompt or number in q.explanation, q.external_id


def _normalise(q: ParsedQuestion) -> str:
    text = q.prompt + " " + str(q.spec.get("text", ""))
    return re.sub(r"\W+", " ", text.lower()).strip()


def test_no_duplicate_or_near_duplicate_prompts() -> None:
    texts = [(q.external_id, _normalise(q)) for q in questions()]
    close = []
    for i, (id_a, a) in enumerate(texts):
        matcher = difflib.SequenceMatcher(None, "", a)  # seq2 is analysed once, reused
        for id_b, b in texts[i + 1 :]:
            matcher.set_seq1(b)
            if (
                matcher.real_quick_ratio() >= 0.9
                and matcher.quick_ratio() >= 0.9
                and matcher.ratio() >= 0.9
            ):
                close.append((id_a, id_b))
    assert close == []


# Pairs at or above the similarity threshold that were read and found to ask different things
# (docs/bank.md § No near-duplicates): each with the reason.
DISTINCT_PAIRS: dict[tuple[str, str], str] = {
    ("km-c-modprobe-001", "km-c-modprobe-002"): "loading vfat with its dependencies vs unloading",
    (
        "km-c-modprobe-023",
        "km-l-modprobed-009",
    ): "the same softdep: insertion order vs removal order",
    ("km-c-modprobe-026", "km-c-depmod-009"): "modprobe's steps vs what modules.dep lines mean",
}
# Near-duplicates awaiting a merge or a rewrite (none now); each is removed here when resolved.
PENDING_DUPLICATES: set[tuple[str, str]] = set()


def near_duplicates() -> set[tuple[str, str]]:
    return {(a, b) for score, a, b in pair_scores(questions()) if score >= THRESHOLD}


def test_no_two_questions_have_near_identical_prompts_and_answers() -> None:
    found = near_duplicates() - set(DISTINCT_PAIRS) - PENDING_DUPLICATES
    assert found == set()


def test_the_reviewed_and_pending_pair_lists_hold_only_live_pairs() -> None:
    flagged = near_duplicates()
    assert set(DISTINCT_PAIRS) <= flagged, "a listed pair is no longer similar: remove it"
    assert flagged >= PENDING_DUPLICATES, "a pending pair was resolved: remove it"


def test_every_choice_question_has_a_correct_answer_among_at_least_three_options() -> None:
    for q in questions():
        if q.kind in ("single_choice", "multiple_choice"):
            ids = [o["id"] for o in q.spec["options"]]
            correct = [q.spec["correct"]] if q.kind == "single_choice" else q.spec["correct"]
            assert len(ids) >= 3 and correct and set(correct) <= set(ids), q.external_id


def test_every_accepted_command_is_valid_and_graded_correct() -> None:
    for q in questions():
        if q.kind != "shell_command":
            continue
        for accepted in q.spec["accepted"]:
            assert grading.unknown_options(accepted) == [], (q.external_id, accepted)
            verdict = grading.grade(q.kind, q.spec, accepted)
            assert verdict.correct is True, (q.external_id, accepted, verdict.feedback)
        assert grading.grade(q.kind, q.spec, "").correct is False


# Ranges whose accepted spellings were pruned against the fair grader (docs/bank.md § Typed
# commands); the others still list spellings the grader accepts by itself.
PRUNED_RANGES = ("km-c-", "km-l-", "km-n-")


def test_accepted_spellings_differ_in_substance_from_each_other() -> None:
    redundant = []
    for q in questions():
        if q.kind != "shell_command" or not q.external_id.startswith(PRUNED_RANGES):
            continue
        accepted = q.spec["accepted"]
        for spelling in accepted[1:]:
            others = {**q.spec, "accepted": [a for a in accepted if a != spelling]}
            if grading.grade(q.kind, others, spelling).correct:
                redundant.append((q.external_id, spelling))
    assert redundant == []


def test_the_issues_right_depmod_command_is_accepted() -> None:
    spec = next(q.spec for q in questions() if q.external_id == "km-c-depmod-003")
    assert grading.grade("shell_command", spec, "depmod -n $(uname -r) | grep acme_wdt").correct


def test_every_expected_answer_grades_as_correct_and_every_cloze_has_a_deletion() -> None:
    for q in questions():
        if q.kind == "cloze":
            keys = grading.cloze_keys(q.spec["text"])
            assert keys, q.external_id
            for key in keys:
                expected = grading.expected_answer(q.kind, q.spec, deletion=key)
                assert grading.grade(q.kind, q.spec, expected, deletion=key).correct, q.external_id
        elif q.kind not in ("flashcard", "shell_command"):
            expected = grading.expected_answer(q.kind, q.spec)
            assert grading.grade(q.kind, q.spec, expected).correct, q.external_id


# What the article teaches, and what the issue asks beyond it: each must appear somewhere.
ARTICLE_TERMS = [
    "dynamic",
    "reboot",
    "kernel space",
    ".ko",
    "filesystem",
    "device driver",
    "network",
    "lsmod",
    "modinfo",
    "insmod",
    "modprobe -r",
    "--show-depends",
    "depmod -a",
    "/lib/modules/$(uname -r)/",
    "updates/",
    "extra/",
    "module_init",
    "module_exit",
    "blacklist",
    "options",
    "/etc/modules-load.d/",
    "obj-m",
    "M=",
    "debug_level=3",
    "printk",
    "KERN_INFO",
    "pr_info",
    "pr_err",
    "dmesg",
    "journalctl -k -f",
    "dynamic_debug/control",
    "ftrace",
    "SystemTap",
    "kcore",
    "character",
    "block",
    "register_filesystem",
    "CONFIG_MODULE_SIG_FORCE",
    "sig_enforce",
    "CAP_SYS_ADMIN",
    "CAP_NET_ADMIN",
    "kmalloc",
    "kfree",
    "vmalloc",
    "vfree",
    "kmem_cache",
    "spinlock",
    "mutex",
    "RCU",
    "Exec format error",
    "Unknown symbol",
    "in use",
    "/proc/sys/kernel/tainted",
    "coding style",
    "return value",
]
BEYOND_TERMS = [
    "/proc/modules",
    "Used by",
    "modinfo -F",
    "/sys/module/",
    "MODULE_LICENSE",
    "EXPORT_SYMBOL_GPL",
    "modules.dep",
    "modules.alias",
    "modules.builtin",
    "alias",
    "install",
    "softdep",
    "spin_lock_irqsave",
    "GFP_KERNEL",
    "GFP_ATOMIC",
    "lockdep",
    "module_param",
    "sleeping function called from invalid context",
]


@pytest.mark.parametrize("term", ARTICLE_TERMS + BEYOND_TERMS)
def test_the_bank_covers(term: str) -> None:
    assert any(term.lower() in text_of(q).lower() for q in questions()), term


def test_the_articles_imprecise_built_in_label_is_corrected() -> None:
    assert any(
        "modules.builtin" in q.explanation
        and "kernel/" in q.explanation
        and "loadable" in q.explanation.lower()
        for q in questions()
    )


@pytest.mark.django_db
def test_bank_report_prints_the_coverage_table() -> None:
    call_command("load_bank", str(BANK), stdout=StringIO())
    out = StringIO()
    # The spellings part is tested on this bank by tests/test_shell_variants.py.
    call_command("bank_report", "linux-kernel-modules", spellings=0, stdout=out)
    report = out.getvalue()
    total_line = next(line for line in report.splitlines() if line.startswith("total"))
    assert total_line.split()[-1] == str(len(questions()))
    assert "commands/modprobe" in report and "shell" in report
