"""How the browser tests and the screenshot script start Chromium: Debian's, headless."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch_chromium(playwright: Any) -> Any:
    """Playwright downloads no browser of its own here: it drives the system's Chromium.

    Under `make test-clock` the tests' clock is libfaketime's; Chromium keeps the real one (it
    does not start with the library preloaded), as a learner's browser would."""
    env = None
    if "FAKETIME" in os.environ:
        env = {
            name: value
            for name, value in os.environ.items()
            if name != "FAKETIME" and not (name == "LD_PRELOAD" and "faketime" in value)
        }
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, env=env
    )
