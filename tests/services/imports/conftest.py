"""Files to import: native JSON documents built from the importer tests' helpers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.importers.test_native import bank_doc, question


def file_of(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, indent=2).encode()


@pytest.fixture
def doc() -> dict[str, Any]:
    return bank_doc(
        [question("q1", "single_choice"), question("q2", "cloze"), question("q3", "true_false")]
    )
