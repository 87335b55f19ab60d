"""Write all of one person's data as JSON (docs/deployment.md: "Learner data")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from quizzes.exporters.learner import learner_data_export


class Command(BaseCommand):
    help = "Export all of a learner's data (profile, enrolments, states, reviews, ...) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user", help="username (or e-mail address, when it is unique)")
        parser.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects
        name = options["user"]
        user = users.filter(username=name).first()
        if user is None:
            by_email = list(users.filter(email__iexact=name)[:2])
            if len(by_email) != 1:
                raise CommandError(f"No single user with the username or e-mail {name!r}.")
            user = by_email[0]
        data = learner_data_export(user=user, now=timezone.now())
        text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) + "\n"
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {user.get_username()}'s data to {options['output']}.")
        else:
            self.stdout.write(text, ending="")
