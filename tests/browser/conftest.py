"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Skipped, with the reason, when /usr/bin/chromium or the playwright package is missing (CI with
KMODQUIZ_REQUIRE_BROWSER set fails on such a skip). Every page a test opens is watched for
console errors and uncaught exceptions: any of them fails the test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from quizzes import services
from tests.browser.chromium import CHROMIUM, launch_chromium
from tests.factories import KINDS, BankFactory, QuestionFactory, TopicFactory, UserFactory

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around
# it are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if sync_playwright is None:
        pytest.skip("browser tests need the playwright package: pip install -e '.[dev]'")
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Pages:
    """Opens pages for a test, each watched for console errors and page errors."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.errors: list[str] = []
        self.contexts: list[Any] = []

    def new(
        self, *, user: Any = None, width: int = 1100, height: int = 900, **options: Any
    ) -> Page:
        context = self.browser.new_context(
            base_url=self.base_url, viewport={"width": width, "height": height}, **options
        )
        self.contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": self.base_url}])
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on(
            "console",
            lambda m: self.errors.append(f"{page.url}: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: {e}"))
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser: Browser, live_server: Any) -> Iterator[Pages]:
    opened = Pages(browser, live_server.url)
    yield opened
    opened.close()
    assert opened.errors == [], "console errors on the pages visited"


@pytest.fixture
def bank_world(transactional_db: Any) -> dict[str, Any]:
    """A bank with one question of each kind (ten cards) and a learner enrolled in it."""
    teacher = UserFactory(username="teacher")
    bank = BankFactory(slug="kmods", title="Kernel modules", owner=teacher)
    topic = TopicFactory(bank=bank, slug="commands", title="Commands")
    for kind in KINDS:
        QuestionFactory(bank=bank, kind=kind, topics=[topic], external_id=f"q-{kind}")
    learner = UserFactory(username="ada")
    services.enroll(learner=learner, bank=bank)
    return {"bank": bank, "learner": learner, "teacher": teacher}
