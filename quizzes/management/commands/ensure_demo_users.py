"""Create the demo accounts of `make run` (idempotent) and enrol the learner."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandParser

from quizzes import services
from quizzes.models import Bank, BankMembership

DEMO_PASSWORD = "kmodquiz-demo"  # noqa: S105 - a documented local demo login
DEMO_LEARNER = "learner"
DEMO_INSTRUCTOR = "instructor"


class Command(BaseCommand):
    help = (
        "Create the demo learner and demo instructor (password 'kmodquiz-demo'), make the "
        "instructor an admin-site user and instructor of every bank, enrol the learner."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default=DEMO_PASSWORD)

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model()
        learner, created_l = users.objects.get_or_create(
            username=DEMO_LEARNER, defaults={"email": "learner@example.com"}
        )
        instructor, created_i = users.objects.get_or_create(
            username=DEMO_INSTRUCTOR, defaults={"email": "instructor@example.com"}
        )
        for user, created in ((learner, created_l), (instructor, created_i)):
            if created:
                user.set_password(options["password"])
                user.save()
        instructor.is_staff = True
        instructor.is_superuser = True
        instructor.save(update_fields=["is_staff", "is_superuser"])
        perm = Permission.objects.filter(codename="add_bank").first()
        if perm:
            instructor.user_permissions.add(perm)
        for bank in Bank.objects.active():
            BankMembership.objects.get_or_create(bank=bank, user=instructor)
            if bank.owner_id is None:
                Bank.objects.filter(pk=bank.pk).update(owner=instructor)
            services.enroll(learner=learner, bank=bank, by_instructor=True)
        self.stdout.write(
            f"demo learner: {DEMO_LEARNER} / {options['password']}; "
            f"demo instructor (admin): {DEMO_INSTRUCTOR} / {options['password']}"
        )
