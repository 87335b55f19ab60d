"""Give the demo learner about 60 days of study history, through the real services.

Time is simulated: each past day the learner opens every enrolled bank at some hour, asks
study_queue_next for cards and answers them with review_submit (now= that moment), right about
85% of the time. So the dashboard, the progress page and the screenshots of a fresh `make run`
show a realistic picture, and nothing is written that the services would not write.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from quizzes import grading, services
from quizzes.models import Card, Enrollment, QuestionKind, Rating, ReviewLog
from quizzes.services.authoring import enrollment_update

RIGHT_BY_DIFFICULTY = {1: 0.93, 2: 0.86, 3: 0.76}


def wrong_answer(card: Card) -> Any:
    """A plausible wrong answer payload for the card (docs/formats.md shapes)."""
    kind = card.question.kind
    spec = card.question.spec
    if kind == QuestionKind.SINGLE_CHOICE:
        return next(o["id"] for o in spec["options"] if o["id"] != spec["correct"])
    if kind == QuestionKind.MULTIPLE_CHOICE:
        wrong = [o["id"] for o in spec["options"] if o["id"] not in spec["correct"]]
        return wrong[:1] or list(spec["correct"])[:-1] or [spec["options"][0]["id"]]
    if kind == QuestionKind.TRUE_FALSE:
        return not spec["correct"]
    if kind == QuestionKind.SHORT_ANSWER:
        return "not sure"
    if kind == QuestionKind.SHELL_COMMAND:
        return "lsmod"
    if kind == QuestionKind.CLOZE:
        return {card.deletion: "no idea"}
    if kind == QuestionKind.ORDERING:
        return list(reversed(spec["correct_order"]))
    if kind == QuestionKind.MATCHING:
        lefts = list(spec["pairs"])
        rights = [spec["pairs"][k] for k in lefts]
        return dict(zip(lefts, rights[1:] + rights[:1], strict=True))
    return None


def choose(card: Card, rng: random.Random) -> tuple[Any, int | None]:
    """The answer and rating a learner who is right ~85% of the time would give."""
    question = card.question
    right = rng.random() < RIGHT_BY_DIFFICULTY.get(question.difficulty, 0.85)
    if question.kind == QuestionKind.FLASHCARD:
        if not right:
            return None, Rating.AGAIN
        return None, rng.choices([Rating.HARD, Rating.GOOD, Rating.EASY], [15, 70, 15])[0]
    if not right:
        return wrong_answer(card), None
    answer = grading.expected_answer(question.kind, question.spec, deletion=card.deletion or None)
    return answer, rng.choices([Rating.HARD, None, Rating.EASY], [10, 80, 10])[0]


class Command(BaseCommand):
    help = (
        "Give the demo learner (default 'learner') about 60 days of realistic study history in "
        "every bank they are enrolled in, through the real services with simulated time. "
        "Does nothing when the learner already has reviews, unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="learner")
        parser.add_argument("--days", type=int, default=60)
        parser.add_argument("--new-per-day", type=int, default=8)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--force", action="store_true", help="add history even if some exists")

    def handle(self, *args: Any, **options: Any) -> None:
        learner = get_user_model().objects.filter(username=options["username"]).first()
        if learner is None:
            raise CommandError(f"no user named {options['username']!r} (run ensure_demo_users)")
        if ReviewLog.objects.filter(learner=learner).exists() and not options["force"]:
            self.stdout.write(f"{learner}: already has study history; nothing done (--force).")
            return
        enrollments = list(
            Enrollment.objects.filter(learner=learner, bank__retired_at__isnull=True)
            .select_related("bank")
            .order_by("bank__slug")
        )
        if not enrollments:
            raise CommandError(f"{learner} is not enrolled in any bank")
        rng = random.Random(options["seed"])
        now = timezone.now()
        limits = {e.pk: e.new_per_day for e in enrollments}
        for enrollment in enrollments:
            # A steady few new cards a day, as a learner who studies daily would set.
            enrollment_update(enrollment=enrollment, new_per_day=options["new_per_day"])
        reviews = 0
        try:
            for offset in range(options["days"], -1, -1):
                reviews += self._day(learner, enrollments, now, offset, rng)
        finally:
            for enrollment in enrollments:
                enrollment_update(enrollment=enrollment, new_per_day=limits[enrollment.pk])
        self.stdout.write(
            f"{learner}: {reviews} reviews over {options['days']} days in "
            f"{len(enrollments)} bank(s)."
        )

    def _day(
        self,
        learner: Any,
        enrollments: list[Enrollment],
        now: datetime,
        offset: int,
        rng: random.Random,
    ) -> int:
        """One simulated study session `offset` days ago; returns the number of reviews."""
        if offset > 12 and rng.random() < 0.15:
            return 0  # a day off now and then, but an unbroken streak at the end
        if offset == 0:
            # Today: a short session two hours ago, leaving cards due for the visitor.
            moment, budget = now - timedelta(hours=2), rng.randint(4, 8)
        else:
            day = now - timedelta(days=offset)
            moment = day.replace(hour=rng.randint(6, 21), minute=rng.randint(0, 59), second=0)
            budget = rng.randint(20, 45)
        done = 0
        for enrollment in enrollments:
            for _ in range(budget):
                item = services.study_queue_next(
                    learner=learner, bank=enrollment.bank, now=moment
                ).item
                if item is None:
                    break
                token = services.serve_token_make(learner=learner, card=item.card, now=moment)
                moment += timedelta(seconds=rng.randint(6, 40))
                answer, rating = choose(item.card, rng)
                services.review_submit(
                    learner=learner,
                    card=item.card,
                    answer=answer,
                    rating=rating,
                    now=moment,
                    serve_token=token,
                )
                done += 1
                moment += timedelta(seconds=rng.randint(1, 4))
        return done
