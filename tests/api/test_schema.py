"""The OpenAPI schema: committed and current, complete about errors, and true to the responses."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from quizzes.models import Rating
from tests.factories import card_of

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


@lru_cache(maxsize=1)
def generated() -> str:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".yaml") as out:
        call_command("spectacular", "--file", out.name, "--validate", "--fail-on-warn")
        return Path(out.name).read_text()


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return yaml.safe_load(generated())


def test_the_committed_schema_is_current():
    assert COMMITTED.read_text() == generated(), "docs/openapi.yaml is stale: run `make openapi`"


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema()["paths"].items()
        for method, operation in item.items()
    ]


def test_every_operation_documents_its_errors():
    for path, method, operation in operations():
        codes = set(operation["responses"])
        where = f"{method.upper()} {path}"
        if path.startswith("/api/v1/"):
            assert {"401", "429"} <= codes, where
            if method in ("post", "put", "patch", "delete"):
                assert "403" in codes, where  # a read-only token
            names = {p["name"] for p in operation.get("parameters", [])}
            if "{" in path or "page" in names:  # an object, or a page, that may not exist
                assert "404" in codes, where
            if "requestBody" in operation and method != "delete":
                assert "400" in codes, where
            if any(p["in"] == "query" for p in operation.get("parameters", [])):
                assert "400" in codes, where  # a query value the schema forbids
        for code in codes - {"200", "201", "202", "204"}:
            ref = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/Error", where


def test_reviews_document_the_idempotency_key_and_its_conflict():
    operation = schema()["paths"]["/api/v1/reviews"]["post"]
    header = next(p for p in operation["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and header["required"] is True
    assert "409" in operation["responses"]


# --- responses conform to the schema ------------------------------------------------------------


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema: `nullable`, and no undocumented properties."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k not in ("nullable", "readOnly")}
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/$defs/")
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def _template(path: str) -> str:
    for template in schema()["paths"]:
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path):
            return template
    raise AssertionError(f"no schema path for {path}")


def assert_conforms(response: Any, method: str, path: str) -> None:
    operation = schema()["paths"][_template(path.split("?")[0])][method]
    documented = operation["responses"][str(response.status_code)]
    body_schema = documented["content"]["application/json"]["schema"]
    validator = jsonschema.Draft202012Validator(
        {**_json_schema(body_schema), "$defs": _json_schema(schema()["components"]["schemas"])},
        format_checker=jsonschema.FormatChecker(),
    )
    errors = sorted(validator.iter_errors(response.json()), key=str)
    assert not errors, f"{method.upper()} {path}: {errors[0].message} at {list(errors[0].path)}"


@pytest.mark.django_db
def test_responses_match_their_documented_schemas(world, client_as):
    learner, instructor = client_as("learner"), client_as("instructor")
    card = world.card.pk
    calls = [
        (learner, "get", "/api/v1/ping", None),
        (learner, "get", "/api/v1/banks", None),
        (instructor, "get", "/api/v1/banks/kmod", None),
        (learner, "get", "/api/v1/banks/kmod/topics", None),
        (learner, "get", "/api/v1/banks/kmod/questions", None),
        (instructor, "get", "/api/v1/banks/kmod/questions", None),
        (learner, "get", f"/api/v1/questions/{world.cloze.pk}", None),
        (instructor, "get", f"/api/v1/questions/{world.flashcard.pk}", None),
        (learner, "get", "/api/v1/banks/kmod/study/next", None),
        (learner, "post", f"/api/v1/cards/{card}/answer", {"answer": "b"}),
        (learner, "post", f"/api/v1/cards/{card_of(world.flashcard).pk}/answer", {"answer": None}),
        (learner, "post", "/api/v1/reviews", {"card": card, "answer": "a", "rating": Rating.EASY}),
        (learner, "post", "/api/v1/reviews", {"card": card, "answer": "b"}),  # 409: same key
        (learner, "post", "/api/v1/reviews/undo", {}),
        (learner, "get", f"/api/v1/cards/{card}", None),
        (learner, "post", f"/api/v1/cards/{card}/bury", None),
        (learner, "get", "/api/v1/me/progress", None),
        (learner, "get", "/api/v1/me/reviews", None),
        (learner, "get", "/api/v1/me/profile", None),
        (learner, "get", "/api/v1/me/enrollments", None),
        (learner, "get", "/api/v1/banks/kmod/enrollment", None),
        (learner, "post", "/api/v1/tokens", {"name": "x", "banks": ["kmod"]}),
        (learner, "get", "/api/v1/tokens", None),
        (learner, "post", f"/api/v1/questions/{world.question.pk}/reports", {"text": "?"}),
        (instructor, "get", "/api/v1/banks/kmod/reports", None),
        (instructor, "post", f"/api/v1/reports/{world.report.pk}/resolve", {}),
        (instructor, "get", "/api/v1/banks/kmod/enrollments", None),
        (instructor, "post", "/api/v1/banks/kmod/enrollments", {"users": ["member"]}),
        (instructor, "get", "/api/v1/banks/kmod/progress", None),
        (instructor, "post", "/api/v1/banks/kmod/topics", {"slug": "x", "title": "X"}),
        (learner, "get", "/api/v1/cards/999999", None),  # 404
        (learner, "patch", "/api/v1/me/profile", {"day_start_hour": 99}),  # 400
        (learner, "post", "/api/v1/banks/kmod/questions", {}),  # 403
    ]
    for client, method, path, body in calls:
        response = getattr(client, method)(path, body, format="json", HTTP_IDEMPOTENCY_KEY="s-1")
        assert response.status_code < 500
        assert_conforms(response, method, path)
    # Nothing due: the card is null and next_due says when.
    learner.post(f"/api/v1/cards/{card_of(world.cloze, 'c1').pk}/suspend")
    learner.post(f"/api/v1/cards/{card_of(world.cloze, 'c2').pk}/suspend")
    learner.post(f"/api/v1/cards/{card_of(world.flashcard).pk}/suspend")
    empty = learner.get("/api/v1/banks/kmod/study/next")
    assert empty.json()["card"] is None
    assert_conforms(empty, "get", "/api/v1/banks/kmod/study/next")


@pytest.mark.django_db
def test_the_api_docs_page_and_its_assets_are_served_by_the_app(client):
    page = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and not [a for a in assets if a.startswith(("http:", "https:", "//"))]
    assert client.get("/api/schema/").status_code == 200
    assert any("swagger-ui" in a for a in assets)
