"""Export a bank to a file: `manage.py export_bank SLUG --format gift --output bank.gift`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quizzes.exporters import EXPORT_FORMATS, export
from quizzes.exporters.source import parsed_bank_from_db
from quizzes.models import Bank


class Command(BaseCommand):
    help = (
        "Write a bank's active questions in one of the export formats; what the format cannot "
        "represent is listed on standard error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--format", required=True, choices=sorted(EXPORT_FORMATS))
        parser.add_argument(
            "--output", required=True, type=Path, help="the file to write ('-': standard output)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bank = Bank.objects.filter(slug=options["slug"]).first()
        if bank is None:
            raise CommandError(f"no bank with the slug {options['slug']!r}")
        result = export(parsed_bank_from_db(bank), options["format"])
        output: Path = options["output"]
        if str(output) == "-":
            sys.stdout.buffer.write(result.content)
        else:
            try:
                output.write_bytes(result.content)
            except OSError as exc:
                raise CommandError(f"{output}: cannot write ({exc.strerror})") from exc
            self.stdout.write(f"{bank.slug}: {len(result.content):,} bytes written to {output}")
        for skipped in result.skipped:
            self.stderr.write(f"  {skipped}")
