#!/usr/bin/env python
"""Time of grading one typed command, on the study page's hot path.

Grades every accepted answer of every `shell_command` question of the shipped bank against its
question (right answers: the grader stops at the first match), then a wrong answer per question
(the grader compares it with every accepted answer to find the closest), and prints the median
and 95th percentile in microseconds for each, and the total.

    .venv/bin/python bench/shell_grading.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizzes import grading  # noqa: E402


def timings(cases: list[tuple[dict, str]], repeat: int) -> list[float]:
    found: list[float] = []
    for _ in range(repeat):
        for spec, answer in cases:
            start = time.perf_counter()
            grading.grade("shell_command", spec, answer)
            found.append((time.perf_counter() - start) * 1e6)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    bank = json.loads((ROOT / "fixtures" / "linux-kernel-modules.json").read_text())
    questions = [q for q in bank["questions"] if q["kind"] == "shell_command"]
    right = [(q["spec"], a) for q in questions for a in q["spec"]["accepted"]]
    wrong = [(q["spec"], "sudo modprobe -f --bogus nothing_like_it") for q in questions]
    print(f"{len(questions)} command questions, {len(right)} accepted answers")
    for name, cases in (("right answer", right), ("wrong answer", wrong)):
        grading.grade("shell_command", cases[0][0], cases[0][1])  # warm caches and imports
        found = timings(cases, args.repeat)
        p95 = statistics.quantiles(found, n=20)[-1]
        print(
            f"{name}: median {statistics.median(found):7.1f} µs, p95 {p95:7.1f} µs "
            f"({len(found)} grades)"
        )


if __name__ == "__main__":
    main()
