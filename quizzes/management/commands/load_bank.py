"""Load (upsert) a native JSON bank: `manage.py load_bank fixtures/linux-kernel-modules.json`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from quizzes import services
from quizzes.importers import ParseError, native


class Command(BaseCommand):
    help = (
        "Create or update a bank from a kmodquiz-bank JSON file. Questions are matched by "
        "external id: updated in place, so learners keep their progress."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--owner", help="username of the bank's owner (for a new bank)")
        parser.add_argument("--dry-run", action="store_true", help="report, change nothing")
        parser.add_argument(
            "--keep-missing",
            action="store_true",
            help="do not retire questions that are missing from the file",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            text = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot read ({exc.strerror})") from exc
        try:
            parsed = native.parse(text)
        except ParseError as exc:
            raise CommandError(
                f"{path}: not loaded, nothing changed:\n"
                + "\n".join(f"  {p}" for p in exc.problems)
            ) from exc
        owner = None
        if options["owner"]:
            owner = get_user_model().objects.filter(username=options["owner"]).first()
            if owner is None:
                raise CommandError(f"--owner: no user named {options['owner']!r}")
        summary = services.bank_import(
            parsed=parsed,
            user=owner,
            now=timezone.now(),
            fmt="native",
            filename=path.name,
            dry_run=options["dry_run"],
            retire_missing=not options["keep_missing"],
        )
        counts = summary.counts()
        verb = "would be" if options["dry_run"] else "were"
        self.stdout.write(
            f"{parsed.slug}: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['retired']} retired ({verb} applied)"
        )
