"""Print a bank's coverage table (topics × question kinds, with totals) and, for every typed
command question, how many spellings of its first answer the grader accepts."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from quizzes import grading
from quizzes.models import Bank, Question, QuestionKind, Topic
from quizzes.shell_variants import mutations, variants

SHORT = {
    "flashcard": "flash",
    "single_choice": "single",
    "multiple_choice": "multi",
    "true_false": "t/f",
    "short_answer": "short",
    "shell_command": "shell",
    "cloze": "cloze",
    "ordering": "order",
    "matching": "match",
}


class Command(BaseCommand):
    help = "Print the coverage table (primary topic × kind, with totals) of one or every bank."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", nargs="?", help="the bank (default: every active bank)")
        parser.add_argument(
            "--spellings",
            type=int,
            default=300,
            metavar="N",
            help="spellings drawn per typed command question (default 300; 0: skip that part)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        banks = Bank.objects.active()
        if options["slug"]:
            banks = banks.filter(slug=options["slug"])
            if not banks.exists():
                raise CommandError(f"no active bank with slug {options['slug']!r}")
        for bank in banks:
            self._report(bank)
            if options["spellings"] > 0:
                self._spellings(bank, options["spellings"])

    def _spellings(self, bank: Bank, count: int) -> None:
        """Per typed command question: distinct spellings drawn and accepted, changes refused."""
        questions = (
            Question.objects.active()
            .filter(bank=bank, kind=QuestionKind.SHELL_COMMAND)
            .order_by("external_id")
            .values_list("external_id", "spec")
        )
        self.stdout.write("")
        self.stdout.write(
            f"typed commands: spellings of the first accepted answer the grader accepts "
            f"(of up to {count} drawn), and changes of it refused"
        )
        problems = 0
        for external_id, spec in questions:
            first = spec["accepted"][0]
            drawn = variants(first, spec, count=count)
            rejected = [v for v in drawn if not grading.grade("shell_command", spec, v).correct]
            changes = mutations(first, spec)
            let_through = [
                kind for kind, line in changes if grading.grade("shell_command", spec, line).correct
            ]
            accepted = len(drawn) - len(rejected)
            refused = len(changes) - len(let_through)
            line = (
                f"{external_id:<32} {accepted:>4} spellings  "
                f"{refused}/{len(changes)} changes refused"
            )
            if rejected:
                line += f"  REJECTED e.g. {rejected[0]!r}"
            if let_through:
                line += f"  ACCEPTED CHANGES: {', '.join(let_through)}"
            problems += bool(rejected or let_through)
            self.stdout.write(line)
        self.stdout.write(f"typed command questions with a grading problem: {problems}")

    def _report(self, bank: Bank) -> None:
        kinds = list(QuestionKind.values)
        topics = {t.pk: t for t in Topic.objects.filter(bank=bank)}
        # A question's primary topic is the first it was given: the smallest through-row id.
        through = Question.topics.through
        primary: dict[int, int] = {}
        for row in (
            through.objects.filter(question__bank=bank)
            .order_by("id")
            .values("question_id", "topic_id")
        ):
            primary.setdefault(row["question_id"], row["topic_id"])
        table: dict[str, Counter[str]] = {}
        for q in Question.objects.active().filter(bank=bank).values("id", "kind"):
            topic = topics.get(primary.get(q["id"], -1))
            name = topic.slug if topic else "(no topic)"
            table.setdefault(name, Counter())[q["kind"]] += 1
        scenario = sum(
            "scenario" in (tags or [])
            for tags in Question.objects.active().filter(bank=bank).values_list("tags", flat=True)
        )
        width = max([len(n) for n in table] + [12])
        head = f"{'topic':<{width}} " + " ".join(f"{SHORT[k]:>6}" for k in kinds) + "  total"
        self.stdout.write(f"{bank.slug} — {bank.title} (version {bank.version or '-'})")
        self.stdout.write(head)
        self.stdout.write("-" * len(head))
        totals: Counter[str] = Counter()
        for name in sorted(table):
            row = table[name]
            totals.update(row)
            cells = " ".join(f"{row[k]:>6}" for k in kinds)
            self.stdout.write(f"{name:<{width}} {cells}  {sum(row.values()):>5}")
        self.stdout.write("-" * len(head))
        cells = " ".join(f"{totals[k]:>6}" for k in kinds)
        self.stdout.write(f"{'total':<{width}} {cells}  {sum(totals.values()):>5}")
        roots: Counter[str] = Counter()
        for name, row in table.items():
            roots[name.split("/")[0]] += sum(row.values())
        self.stdout.write("by section: " + ", ".join(f"{k} {v}" for k, v in sorted(roots.items())))
        self.stdout.write(
            f"scenario questions: {scenario}; difficulty: "
            + ", ".join(
                f"{d['difficulty']}: {d['n']}"
                for d in Question.objects.active()
                .filter(bank=bank)
                .values("difficulty")
                .annotate(n=Count("id"))
                .order_by("difficulty")
            )
        )
