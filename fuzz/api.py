"""API fuzzing with schemathesis against a running server (`make fuzz-api`; CI runs it).

A fresh database (SQLite in a temporary folder, or DATABASE_URL) with the kernel-modules bank,
a learner enrolled in it and an instructor who owns it, each with an API token; gunicorn on a
free loopback port; then schemathesis with every phase (examples, coverage, fuzzing, stateful),
every check and a fixed seed, once per token, within a time budget (default: 3 minutes in all).
Exit status 0 only when schemathesis found no server error and no conformance failure.

    .venv/bin/python fuzz/api.py [--max-time 170] [--seed 13] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BANK = ROOT / "fixtures" / "linux-kernel-modules.json"

SETUP = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone
from quizzes import services
from quizzes.models import Bank, LearnerProfile
from quizzes.services import accounts

users = get_user_model()
instructor = users.objects.create_user("fuzz-instructor", "i@example.com", "not-a-guess-1")
instructor.user_permissions.add(Permission.objects.get(codename="add_bank"))
learner = users.objects.create_user("fuzz-learner", "l@example.com", "not-a-guess-2")
LearnerProfile.objects.get_or_create(user=learner)
bank = Bank.objects.get()
Bank.objects.filter(pk=bank.pk).update(owner=instructor)
services.enroll(learner=learner, bank=bank, by_instructor=True)
now = timezone.now()
cards = list(bank.cards.order_by("pk").values_list("pk", flat=True)[:40])
questions = list(bank.questions.order_by("pk").values_list("pk", flat=True)[:40])
out = {"bank": bank.slug, "tokens": {}, "ids": [], "cards": cards, "questions": questions}
for user in (learner, instructor):
    scope, text = accounts.api_token_create(user=user, now=now, name="fuzz")
    out["tokens"][user.username] = text
    out["ids"].append(scope.pk)
print(json.dumps(out))
"""


def fuzz_config(world: dict) -> str:
    """fuzz/schemathesis.toml, plus dictionaries of real slugs and ids: half the generated
    values of those parameters name things that exist, so requests reach past the 404."""
    ids = sorted({*world["cards"], *world["questions"], *world["ids"]})
    extra = f"""
[dictionaries.banks]
values = {json.dumps([world["bank"]])}

[dictionaries.ids]
values = {json.dumps(ids)}

[dictionaries.cards]
values = {json.dumps(world["cards"])}

[parameters]
"path.slug" = {{ dictionary = "banks", probability = 0.5 }}
"path.id" = {{ dictionary = "ids", probability = 0.5 }}
"body.card" = {{ dictionary = "cards", probability = 0.5 }}
"""
    base = (ROOT / "fuzz" / "schemathesis.toml").read_text()
    # After the top-level keys (TOML puts keys under the table above them), before the tables.
    head, _, tables = base.partition("\n[")
    return f"{head}\n{extra}\n[{tables}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def wait_until_up(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--max-time", type=int, default=170, help="seconds in all, setup included (about)"
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    options = parser.parse_args()
    started = time.monotonic()

    work = Path(tempfile.mkdtemp(prefix="kmodquiz-fuzz-"))
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{work / 'db.sqlite3'}",
        "DEBUG": "0",
        "DJANGO_ENV": "",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CACHE_URL": "locmem://",
        "TASKS_BACKEND": "immediate",
        # The fuzzer is one client sending thousands of requests: the throttles would answer
        # most of them 429 (which is right, and is tested elsewhere) and hide everything else.
        "KMODQUIZ_API_USER_RATE": "1000000/min",
        "KMODQUIZ_API_ANON_RATE": "1000000/min",
        "KMODQUIZ_API_TOKENS_RATE": "1000000/min",
        "KMODQUIZ_LOCKOUT_FAILURES": "1000000",
        "PYTHONPATH": str(ROOT),
    }
    server = None
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "load_bank", str(BANK))
        world = json.loads(manage(env, "shell", "-c", SETUP).strip().splitlines()[-1])
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "kmodquiz.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(options.workers),
                "--log-level",
                "warning",
                # No request-line limit, as behind nginx (docs/deployment.md): gunicorn's
                # largest (8190) is shorter than a valid study/next?topics= (50 slugs of up
                # to 200 characters), so its own HTML 414 would answer a valid request.
                "--limit-request-line",
                "0",
            ],
            cwd=ROOT,
            env=env,
            stdout=open(work / "gunicorn.log", "w"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
        )
        wait_until_up(f"{base}/api/schema/")
        setup_seconds = time.monotonic() - started
        # What setup left of the budget, less the schema loading and reports of each run.
        budget = max(20, int((options.max_time - setup_seconds - 10) / len(world["tokens"])))
        print(f"setup: {setup_seconds:.0f} s; schemathesis: {budget} s per token", flush=True)
        config = work / "schemathesis.toml"
        config.write_text(fuzz_config(world))
        fuzz_env = {
            **env,
            "SCHEMATHESIS_HOOKS": "fuzz.hooks",
            "FUZZ_PROTECTED_TOKEN_IDS": ",".join(map(str, world["ids"])),
            "FUZZ_PROTECTED_BANKS": world["bank"],
        }
        status = 0
        for role, token in world["tokens"].items():
            print(f"\n=== schemathesis as {role} ({budget} s)", flush=True)
            command = [
                str(BIN / "st"),
                "--config-file",
                str(config),
                "run",
                f"{base}/api/schema/",
                "--url",
                base,
                "--header",
                f"Authorization: Token {token}",
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--checks",
                "all",
                "--seed",
                str(options.seed),
                "--max-time",
                str(budget),
                "--generation-database",
                "none",
                "--report",
                "junit",
                "--report-dir",
                str(work / f"report-{role}"),
            ]
            # In the temporary folder: schemathesis keeps a crash cache (.schemathesis/) in its cwd.
            rc = subprocess.run(command, cwd=work, env=fuzz_env).returncode
            status = status or rc
        print(
            f"\nfuzz-api: {'PASSED' if status == 0 else 'FAILED'} in "
            f"{time.monotonic() - started:.0f} s (reports and server log in {work})"
        )
        return status
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        if not options.keep and os.environ.get("FUZZ_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
