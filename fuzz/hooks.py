"""schemathesis hooks for `make fuzz-api` (loaded through SCHEMATHESIS_HOOKS=fuzz.hooks).

The fuzzer may call any operation with any value, including ones that would end the run: revoke
the very token it authenticates with, delete the bank every other operation studies, or leave
it. Such calls are still made and checked, but aimed at a harmless target: a protected id or
slug (FUZZ_PROTECTED_*, set by fuzz/api.py) is swapped for one that does not exist (a 404).
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis

PROTECTED_TOKENS = {v for v in os.environ.get("FUZZ_PROTECTED_TOKEN_IDS", "").split(",") if v}
PROTECTED_BANKS = {v for v in os.environ.get("FUZZ_PROTECTED_BANKS", "").split(",") if v}
ABSENT_ID = 2_000_000_000
ABSENT_SLUG = "no-such-bank"


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: Any) -> None:
    method, path = case.method.upper(), case.path
    params = case.path_parameters or {}
    if method != "DELETE":
        return
    if path == "/api/v1/tokens/{id}" and str(params.get("id")) in PROTECTED_TOKENS:
        params["id"] = ABSENT_ID
    elif path in ("/api/v1/banks/{slug}", "/api/v1/banks/{slug}/enrollment") and (
        str(params.get("slug")) in PROTECTED_BANKS
    ):
        params["slug"] = ABSENT_SLUG
