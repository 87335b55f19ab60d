#!/usr/bin/env python
"""The distribution of question similarity over a bank (docs/bank.md § No near-duplicates).

Scores every pair of questions with quizzes.bankcheck.similarity (TF-IDF cosine of prompt plus
expected answer) and prints how many pairs reach each score, then the closest pairs.

    .venv/bin/python bench/bank_similarity.py                       # the shipped bank
    .venv/bin/python bench/bank_similarity.py other.json --top 40
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizzes.bankcheck.similarity import THRESHOLD, pair_scores  # noqa: E402
from quizzes.importers import native  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bank", nargs="?", default=ROOT / "fixtures" / "linux-kernel-modules.json")
    parser.add_argument("--top", type=int, default=30, help="how many of the closest pairs")
    args = parser.parse_args()
    questions = native.parse(Path(args.bank).read_bytes()).questions
    scores = pair_scores(questions)
    print(f"{len(questions)} questions, {len(scores)} pairs; threshold {THRESHOLD}")
    for low in (0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9):
        print(f"  pairs with score >= {low:.2f}: {sum(s >= low for s, _, _ in scores):>6}")
    print(f"the {args.top} closest pairs:")
    for score, a, b in scores[: args.top]:
        print(f"  {score:.3f}  {a}  {b}")


if __name__ == "__main__":
    main()
