"""Seed a throwaway database for the loopback servers: a bank, learners and their API tokens.

Run in a child process with the servers' environment (each database gets its own Django):

    python -m tests.deploy.seed --questions 300 --learners 16 --backlog 0

prints one JSON line: the bank's slug, every card's id, and for each learner and for the bank's
instructor a name, a password and an API token. Questions cycle through every kind (or are all
flashcards with --flashcards); `--backlog N` gives each learner the bank's last N cards as
reviews already due.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
BANK_SLUG = "loopback-bank"
PASSWORD = "loopback-password-1"  # noqa: S105 - a throwaway database on loopback


def seed(
    *, questions: int, learners: int, backlog: int, flashcards: bool, lms: str = ""
) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kmodquiz.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from quizzes.importers.base import ParsedBank, ParsedQuestion, ParsedTopic
    from quizzes.models import Bank, BankMembership, Card, CardState, CardStatus
    from quizzes.services import bank_import, enroll
    from quizzes.services.accounts import api_token_create
    from tests.factories import KINDS, spec_for  # the tests' valid spec of each kind

    now = timezone.now()
    topics = [ParsedTopic(f"t{i}", f"Topic {i}") for i in range(5)]
    kinds = ["flashcard"] if flashcards else KINDS
    parsed = ParsedBank(
        slug=BANK_SLUG,
        title="Loopback bank",
        topics=topics,
        questions=[
            ParsedQuestion(
                external_id=f"q{n:05d}",
                kind=kinds[n % len(kinds)],
                prompt=f"Question **{n}**: which `modprobe` option?",
                explanation="Because `modprobe(8)` says so.",
                spec=spec_for(kinds[n % len(kinds)], n),
                topics=(topics[n % len(topics)].slug,),
            )
            for n in range(questions)
        ],
    )
    bank_import(parsed=parsed, user=None, now=now)
    bank = Bank.objects.get(slug=BANK_SLUG)
    card_ids = list(Card.objects.filter(bank=bank).order_by("id").values_list("id", flat=True))
    password = make_password(PASSWORD)  # hashed once: each learner gets the same hash
    people = []
    for i in range(learners):
        name = f"learner{i}"
        user = get_user_model().objects.create(username=name, password=password)
        enroll(learner=user, bank=bank)
        if backlog:
            CardState.objects.bulk_create(
                CardState(
                    learner=user,
                    card_id=card_id,
                    bank=bank,
                    status=CardStatus.REVIEW,
                    stability=12.0,
                    difficulty=5.0,
                    due=now - timedelta(minutes=n + 1),
                    last_review=now - timedelta(days=12),
                    reps=4,
                )
                for n, card_id in enumerate(card_ids[-backlog:])
            )
        _scope, token = api_token_create(user=user, now=now, name="loopback")
        people.append({"username": name, "password": PASSWORD, "token": token, "id": user.pk})
    teacher = get_user_model().objects.create(username="instructor", password=password)
    BankMembership.objects.create(bank=bank, user=teacher, role=BankMembership.Role.INSTRUCTOR)
    _scope, token = api_token_create(user=teacher, now=now, name="loopback")
    instructor = {"username": "instructor", "password": PASSWORD, "token": token, "id": teacher.pk}
    if lms:
        _link_to_lms(lms, bank=bank, learner=get_user_model().objects.get(pk=people[-1]["id"]))
    return {"bank": BANK_SLUG, "cards": card_ids, "learners": people, "instructor": instructor}


LMS_USER_ID = "lms-user-1"


def _link_to_lms(lms: str, *, bank: Any, learner: Any) -> None:
    """The bank placed in a course of the LMS at `lms` (as an LTI launch would have recorded
    it), with a gradebook column for the last learner: their reviews send scores there."""
    from django.utils import timezone

    from quizzes.lti import claims
    from quizzes.lti.models import ResourceLink, ScoreSync
    from quizzes.lti.services.keys import tool_key_create
    from quizzes.lti.services.platforms import platform_register

    now = timezone.now()
    tool_key_create(now=now)
    platform = platform_register(
        issuer=lms,
        client_id="kmodquiz-loopback",
        deployment_ids=["1"],
        auth_login_url=f"{lms}/auth",
        auth_token_url=f"{lms}/token",
        key_set_url=f"{lms}/jwks",
        name="Loopback LMS",
    )
    link = ResourceLink.objects.create(
        platform=platform,
        resource_link_id="link-1",
        title="Loopback bank",
        bank=bank,
        lineitem_url=f"{lms}/lineitems/1",
        ags_scopes=[claims.SCOPE_SCORE, claims.SCOPE_LINEITEM],
        created_at=now,
    )
    ScoreSync.objects.create(link=link, learner=learner, lti_user_id=LMS_USER_ID)


def answer_for(card: dict[str, Any]) -> tuple[Any, int | None]:
    """A plausible answer (and rating) of the right shape for a card the API served: often
    wrong, as real answers are; a flashcard is rated Good."""
    fmt = card["answer_format"]
    if fmt == "none":
        return None, 3
    return {
        "option_id": lambda: card["options"][0]["id"],
        "option_ids": lambda: [card["options"][0]["id"]],
        "boolean": lambda: True,
        "text": lambda: "modules.dep",
        "command_line": lambda: "modprobe -r snd_hda_intel",
        "blanks": lambda: {b["key"]: "modprobe" for b in card["cloze"]["blanks"]},
        "item_ids": lambda: [i["id"] for i in card["items"]],
        "pairs": lambda: {
            left["id"]: right["id"]
            for left, right in zip(card["left"], card["right"], strict=False)
        },
    }[fmt](), None


def review_for(served: dict[str, Any]) -> dict[str, Any]:
    """The body of `POST /api/v1/reviews` answering the card `study/next` served."""
    answer, rating = answer_for(served["card"])
    return {
        "card": served["card"]["id"],
        "answer": answer,
        "rating": rating,
        "serve_token": served["serve_token"],
    }


def run_seed(env: dict[str, str], **options: Any) -> dict[str, Any]:
    """Seed the database of `env` in a child process; what `seed` returns."""
    import subprocess

    args = [f"--{k}={v}" for k, v in options.items() if not isinstance(v, bool)]
    args += [f"--{k}" for k, v in options.items() if v is True]
    result = subprocess.run(
        [sys.executable, "-m", "tests.deploy.seed", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--learners", type=int, default=2)
    parser.add_argument("--backlog", type=int, default=0)
    parser.add_argument("--flashcards", action="store_true")
    parser.add_argument("--lms", default="", help="link the last learner to this LMS's gradebook")
    args = parser.parse_args()
    print(json.dumps(seed(**vars(args))))


if __name__ == "__main__":
    main()
