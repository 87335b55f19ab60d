"""Print a bank's coverage table (topics × question kinds), its sources and stated versions,
which message formats its log lines use, and, for every typed command question, how many
spellings of its first answer the grader accepts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from quizzes import grading
from quizzes.bankcheck import load_catalogue, question_log_lines
from quizzes.bankcheck.sources import parse_source
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
    help = (
        "Print the coverage table (primary topic × kind, with totals) of one or every bank, "
        "the questions per source and per stated version, the message-format coverage, and "
        "the spellings the grader accepts for each typed command question."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", nargs="?", help="the bank (default: every active bank)")
        parser.add_argument(
            "--messages",
            type=Path,
            default=None,
            help="the message catalogue (default: fixtures/messages.json)",
        )
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
        catalogue_path = options["messages"] or settings.BASE_DIR / "fixtures" / "messages.json"
        if options["messages"] and not catalogue_path.exists():
            raise CommandError(f"no message catalogue at {catalogue_path}")
        for bank in banks:
            self._report(bank)
            questions = list(
                Question.objects.active()
                .filter(bank=bank)
                .values("prompt", "explanation", "spec", "source", "since")
            )
            self._sources(questions)
            if catalogue_path.exists():
                self._messages(questions, catalogue_path)
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

    def _sources(self, questions: list[dict[str, Any]]) -> None:
        """Questions per cited document and per version checked; `since` values; and sources
        that do not follow the convention (docs/bank.md § Sources)."""
        documents: Counter[str] = Counter()
        versions: Counter[str] = Counter()
        unparsed = 0
        for q in questions:
            refs = parse_source(q["source"])
            if refs is None:
                unparsed += 1
                documents[q["source"] or "(none)"] += 1
                versions["(not stated)"] += 1
                continue
            documents.update({ref.document for ref in refs})
            versions.update({ref.version for ref in refs if ref.version})
        self.stdout.write("")
        self.stdout.write(f"questions per source ({len(documents)} sources):")
        for name, count in sorted(documents.items(), key=lambda item: (-item[1], item[0])):
            self.stdout.write(f"  {count:>5}  {name}")
        self.stdout.write("questions per version checked:")
        for name, count in sorted(versions.items()):
            self.stdout.write(f"  {count:>5}  {name}")
        since = Counter(q["since"] for q in questions if q["since"])
        self.stdout.write(
            "behaviour since: "
            + (", ".join(f"{name}: {count}" for name, count in sorted(since.items())) or "-")
        )
        self.stdout.write(f"sources outside the convention: {unparsed}")

    def _messages(self, questions: list[dict[str, Any]], path: Path) -> None:
        """How often each message format is shown, the unused formats, unmatched lines."""
        catalogue = load_catalogue(path)
        used: Counter[str] = Counter()
        unmatched = 0
        for q in questions:
            for _, line in question_log_lines(q["prompt"], q["explanation"], q["spec"]):
                matched = catalogue.match(line)
                if matched is None:
                    unmatched += 1
                else:
                    used[matched[0].id] += 1
        self.stdout.write("")
        self.stdout.write(
            f"message formats: {len(used)} of {len(catalogue.messages)} used "
            f"({sum(used.values()) + unmatched} log lines; {unmatched} match no format)"
        )
        for entry in catalogue.messages:
            self.stdout.write(f"  {used[entry.id]:>5}  {entry.id}")
        unused = [entry.id for entry in catalogue.messages if not used[entry.id]]
        self.stdout.write("unused formats: " + (", ".join(unused) or "-"))
