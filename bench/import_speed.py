#!/usr/bin/env python
"""Benchmark of imports: a 10,000-question GIFT file, a 10,000-note Anki package and a
10,000-question native JSON file, each previewed, applied and re-imported unchanged.

Each format runs in a child process on a fresh database (a temp SQLite file unless
--database-url is given) so that its peak memory is its own. The import goes through the same
service as the pages and the API (`import_submit` for the preview, `import_confirm` to apply;
background tasks run inline here), and prints, per step, seconds, the peak resident memory of
the process and the SQL queries (with how many of them write). Targets on the project machine:
preview + apply <= 10 s and <= 300 MB per format; the unchanged re-import <= 3 s and writing
nothing but its ImportRun record.

    .venv/bin/python bench/import_speed.py
    .venv/bin/python bench/import_speed.py --questions 2000 --formats gift
    .venv/bin/python bench/import_speed.py --database-url postgres://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FORMATS = ("gift", "apkg", "native")
TOOLS = ["modprobe", "insmod", "rmmod", "depmod", "modinfo", "lsmod", "dmesg", "kmod"]


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["TASKS_BACKEND"] = "immediate"  # the background task runs inline, timed with it
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kmodquiz.settings")
    import django

    django.setup()


# --- the files ----------------------------------------------------------------------------------


def gift_file(n: int, rng: random.Random) -> bytes:
    """n questions across 20 categories: single and multiple choice, true/false, short answer,
    matching, missing word and essay, each with a title (its id) and feedback."""
    out = []
    for i in range(n):
        if i % 500 == 0:
            out.append(f"$CATEGORY: $course$/kernel modules/part {i // 500}\n")
        tool, other, third = rng.sample(TOOLS, 3)
        kind = i % 7
        title = f"::q{i}::"
        if kind == 0:
            body = (
                f"Which tool loads module m{i} with its dependencies? {{={tool} ~{other} ~{third}}}"
            )
        elif kind == 1:
            body = (
                f"Which of these remove module m{i}? "
                f"{{~%50%{tool} -r ~%50%{other} ~%-100%{third} #not this one}}"
            )
        elif kind == 2:
            body = f"{tool} reads modules.dep for module m{i}. {{TRUE#right#wrong}}"
        elif kind == 3:
            body = f"Which file lists the dependencies of m{i}? {{=modules.dep =modules.dep.bin}}"
        elif kind == 4:
            body = (
                f"Match the tools of case {i}. {{={tool} -> loads ={other} -> lists "
                f"={third} -> indexes}}"
            )
        elif kind == 5:
            body = f"The command {{={tool} ~{other} ~{third}}} handles module m{i}."
        else:
            body = f"Explain what {tool} does with module m{i}. {{}}"
        out.append(f"{title} {body}\n####General feedback {i}.\n\n")
    return "".join(out).encode()


def apkg_file(n: int, rng: random.Random, path: Path) -> bytes:
    """n notes made by genanki: Basic, Basic (and reversed), type-in and Cloze, in 10 decks,
    with tags."""
    import genanki

    decks = [genanki.Deck(2_000_000_000 + d, f"Kernel::Part {d}") for d in range(10)]
    models = [
        genanki.BASIC_MODEL,
        genanki.BASIC_AND_REVERSED_CARD_MODEL,
        genanki.BASIC_TYPE_IN_THE_ANSWER_MODEL,
        genanki.CLOZE_MODEL,
    ]
    for i in range(n):
        tool, other = rng.sample(TOOLS, 2)
        model = models[i % 4]
        if model is genanki.CLOZE_MODEL:
            fields = [f"{{{{c1::{tool}}}}} loads m{i}; {{{{c2::{other}}}}} lists it.", f"extra {i}"]
        else:
            fields = [f"What loads module m{i}?", tool]
        note = genanki.Note(
            model=model, fields=fields, guid=genanki.guid_for("bench", i), tags=[f"t{i % 30}"]
        )
        decks[i % 10].add_note(note)
    genanki.Package(decks).write_to_file(str(path))
    return path.read_bytes()


def native_file(n: int, rng: random.Random) -> bytes:
    from tests.factories import KINDS, spec_for

    topics = [{"slug": "kernel", "title": "Kernel"}] + [
        {"slug": f"kernel/part-{p}", "title": f"Part {p}", "parent": "kernel"} for p in range(20)
    ]
    questions = [
        {
            "id": f"q{i}",
            "kind": KINDS[i % len(KINDS)],
            "topics": [f"kernel/part-{i % 20}"],
            "prompt": f"Question {i} about {rng.choice(TOOLS)}?",
            "explanation": f"Because of {rng.choice(TOOLS)}.",
            "difficulty": 1 + i % 3,
            "source": "modprobe(8)",
            "spec": spec_for(KINDS[i % len(KINDS)], i),
        }
        for i in range(n)
    ]
    document = {
        "format": "kmodquiz-bank",
        "format_version": 1,
        "bank": {"slug": "bench-native", "title": "Bench"},
        "topics": topics,
        "questions": questions,
    }
    return json.dumps(document, indent=1).encode()


# --- one format, in a child process --------------------------------------------------------------


def _step(name: str, action: Any) -> tuple[Any, dict[str, Any]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as ctx:
        result = action()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    writes = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]
    other = [s for s in writes if "quizzes_importrun" not in s and "quizzes_importfile" not in s]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return result, {
        "step": name,
        "seconds": round(seconds, 2),
        "cpu": round(cpu, 2),
        "peak_mb": round(peak),
        "queries": len(ctx.captured_queries),
        "writes": len(writes),
        "bank_writes": len(other),
    }


def run_case(fmt: str, n: int, seed: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from quizzes.models import ImportRun, Question
    from quizzes.services import imports

    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        data = {
            "gift": lambda: gift_file(n, rng),
            "apkg": lambda: apkg_file(n, rng, Path(tmp) / "bench.apkg"),
            "native": lambda: native_file(n, rng),
        }[fmt]()
        generated = time.perf_counter() - started
    admin = get_user_model().objects.create_superuser("bench", password="x")
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    filename = {"gift": "bench.gift", "apkg": "bench.apkg", "native": "bench.json"}[fmt]
    slug = "bench-native" if fmt == "native" else "bench"

    def submit(dry_run: bool) -> Any:
        return imports.import_submit(
            user=admin, data=data, filename=filename, now=now, slug=slug, dry_run=dry_run
        )

    steps = []
    preview, figures = _step("preview", lambda: submit(True))
    steps.append(figures)
    assert preview.status == ImportRun.Status.PREVIEW, preview.errors[:3]
    applied, figures = _step(
        "apply", lambda: imports.import_confirm(run=preview, user=admin, now=now)
    )
    steps.append(figures)
    assert applied.status == ImportRun.Status.APPLIED, applied.errors[:3]
    again, figures = _step("re-import unchanged", lambda: submit(False))
    steps.append(figures)
    assert again.status == ImportRun.Status.APPLIED and not (again.created + again.updated)
    return {
        "format": fmt,
        "questions": Question.objects.count(),
        "file_mb": round(len(data) / 1e6, 1),
        "generated_s": round(generated, 1),
        "steps": steps,
    }


# --- the parent ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--case", choices=FORMATS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        setup_django(args.database_url)
        print(json.dumps(run_case(args.case, args.questions, args.seed)))
        return
    print(
        f"Imports of {args.questions:,} questions: seconds (and CPU seconds of the process, "
        "which other load on the machine does not inflate), peak memory, SQL"
    )
    for fmt in args.formats:
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
            if args.database_url:
                _recreate(url)
            output = subprocess.run(
                [sys.executable, __file__, "--case", fmt, "--questions", str(args.questions),
                 "--database-url", url, "--seed", str(args.seed)],
                check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
        result = json.loads(output.strip().splitlines()[-1])
        print(
            f"\n{fmt}: {result['questions']:,} questions, {result['file_mb']} MB file "
            f"(generated in {result['generated_s']} s)"
        )
        for s in result["steps"]:
            print(
                f"  {s['step']:<20} {s['seconds']:>6.2f} s ({s['cpu']:>5.2f} s CPU)  "
                f"{s['peak_mb']:>4} MB peak  {s['queries']:>4} queries "
                f"({s['writes']} writes, {s['bank_writes']} to the bank)"
            )
        total = sum(s["seconds"] for s in result["steps"][:2])
        cpu = sum(s["cpu"] for s in result["steps"][:2])
        print(f"  preview + apply      {total:>6.2f} s ({cpu:>5.2f} s CPU)")


def _recreate(url: str) -> None:
    """Drop and create the PostgreSQL database of `url` (a fresh one per format)."""
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
