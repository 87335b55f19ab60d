"""Take the README's screenshots: `make screenshots` (python -m tests.browser.screenshots).

Builds a throwaway SQLite database the way `make run` does (the fixture bank, the demo users,
demo_history's cohort over 90 days), serves it with runserver on a free local port, and
photographs the dashboard, the study page before and after answering, and the progress page
with Chromium.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.chromium import CHROMIUM, launch_chromium

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
BANK = ROOT / "fixtures" / "linux-kernel-modules.json"
QUESTION = "km-c-rmmod-004"  # a scenario question: an error message and four options
PASSWORD = "kmodquiz-demo"  # noqa: S105 - the documented demo login
BANK_SLUG = "linux-kernel-modules"
DEMO_BANK = "kmod-quick-check"  # fixtures/demo: the small bank with deliberately flawed questions
SHOTS = (
    "dashboard",
    "study-question",
    "study-answered",
    "progress",
    "card-browser",
    "item-analysis",
    "cohort-mastery",
    "question-editor",
)


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own local server
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server at {url} did not start")


def main() -> None:
    if not CHROMIUM.exists():
        sys.exit(f"screenshots need Chromium at {CHROMIUM}: apt-get install chromium")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kmodquiz-shots-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/shots.sqlite3",
            "DEBUG": "1",
            "KMODQUIZ_ENABLE_FUZZING": "0",
        }
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_bank", str(BANK))
        manage(env, "load_bank", str(ROOT / "fixtures" / "demo" / "quick-check.json"))
        manage(env, "ensure_demo_users")
        print(manage(env, "demo_history").strip())
        card_id, question_id = re.findall(
            r"\d+",
            manage(
                env,
                "shell",
                "--no-imports",
                "-c",
                "from quizzes.models import Card; "
                f"c = Card.objects.get(question__external_id={QUESTION!r}); "
                "print(c.pk, c.question_id)",
            ),
        )[-2:]
        correct = next(
            q["spec"]["correct"]
            for q in json.loads(BANK.read_text(encoding="utf-8"))["questions"]
            if q["id"] == QUESTION
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(base + "/")
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                context = browser.new_context(
                    base_url=base,
                    viewport={"width": 1100, "height": 760},
                    color_scheme="light",
                )
                page = context.new_page()
                page.set_default_timeout(10_000)
                page.goto("/accounts/login/")
                page.fill("#id_username", "learner")
                page.fill("#id_password", PASSWORD)
                with page.expect_navigation():
                    page.click("button[type=submit].primary")
                page.set_viewport_size({"width": 1100, "height": 420})
                page.goto("/")
                page.screenshot(path=OUT / "dashboard.png")
                page.set_viewport_size({"width": 1100, "height": 760})
                page.goto(f"/study/linux-kernel-modules/?card={card_id}")
                page.screenshot(path=OUT / "study-question.png", full_page=True)
                page.check(f"input[name=choice][value={correct}]")
                with page.expect_navigation():
                    page.keyboard.press("Enter")
                page.screenshot(path=OUT / "study-answered.png", full_page=True)
                page.set_viewport_size({"width": 1100, "height": 1500})
                page.goto("/progress/")
                page.screenshot(path=OUT / "progress.png")
                page.set_viewport_size({"width": 1100, "height": 760})
                page.goto("/cards/")
                page.screenshot(path=OUT / "card-browser.png")
                teacher = browser.new_context(
                    base_url=base,
                    viewport={"width": 1100, "height": 760},
                    color_scheme="light",
                )
                page = teacher.new_page()
                page.set_default_timeout(10_000)
                page.goto("/accounts/login/")
                page.fill("#id_username", "instructor")
                page.fill("#id_password", PASSWORD)
                with page.expect_navigation():
                    page.click("button[type=submit].primary")
                page.goto(f"/teach/{DEMO_BANK}/analysis/")
                page.screenshot(path=OUT / "item-analysis.png")
                page.goto(f"/teach/{DEMO_BANK}/mastery/")
                page.screenshot(path=OUT / "cohort-mastery.png")
                page.goto(f"/teach/{BANK_SLUG}/questions/{question_id}/")
                page.screenshot(path=OUT / "question-editor.png", full_page=True)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    for name in SHOTS:
        print(f"wrote {OUT / name}.png")


if __name__ == "__main__":
    main()
