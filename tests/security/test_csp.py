"""Content-Security-Policy: no inline script or style anywhere; framing only where a view
allows it (the LTI pages), with the rest of the site policy kept."""

from __future__ import annotations

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from quizzes.security.csp import SiteCSPMiddleware, merge_policies, parse_policy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = sorted((ROOT / "quizzes").rglob("templates/**/*.html"))
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "an inline event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_nothing_the_csp_would_block(template):
    text = template.read_text()
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert not found, f"{template.name}: {', '.join(found)}"


@pytest.mark.parametrize(
    "script", sorted((ROOT / "quizzes").rglob("static/**/*.js")), ids=lambda p: p.name
)
def test_scripts_set_no_inline_styles_or_handlers(script):
    text = script.read_text()
    assert not re.search(r"setAttribute\(\s*['\"](style|on[a-z]+)['\"]", text)
    assert not re.search(r"\beval\(|new Function\(", text)


def policy_of(response) -> dict[str, str]:
    return parse_policy(response["Content-Security-Policy"])


def test_pages_have_the_site_policy_and_refuse_framing(client):
    client.force_login(UserFactory())
    response = client.get("/")
    policy = policy_of(response)
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_api_docs_load_their_script_from_a_file(client):
    page = client.get("/api/docs/")
    assert page.status_code == HTTPStatus.OK
    assert not re.search(rb"<script(?![^>]*\bsrc=)", page.content)
    assert not re.search(rb"<style\b", page.content)
    script = re.search(rb'<script src="([^"]*script=[^"]*)"', page.content).group(1).decode()
    assert client.get(script.replace("&amp;", "&"))["Content-Type"].startswith(
        "application/javascript"
    )


def test_a_view_s_own_frame_ancestors_is_merged_into_the_site_policy():
    # What the LTI app does on a launched page: name the platform that may frame it.
    def view(request):
        response = HttpResponse("framed")
        response["Content-Security-Policy"] = "frame-ancestors 'self' https://lms.example.edu"
        return response

    response = SiteCSPMiddleware(view)(RequestFactory().get("/lti/launch"))
    policy = policy_of(response)
    assert policy["frame-ancestors"] == "'self' https://lms.example.edu"
    assert policy["script-src"] == "'self'" and policy["object-src"] == "'none'"


def test_merging_keeps_the_site_order_and_replaces_by_name():
    site = "default-src 'self'; frame-ancestors 'none'; img-src 'self' data:"
    assert merge_policies(site, "Frame-Ancestors https://a.example") == (
        "default-src 'self'; frame-ancestors https://a.example; img-src 'self' data:"
    )


@override_settings(CONTENT_SECURITY_POLICY=None)
def test_without_a_site_policy_a_view_s_own_header_is_kept():
    def view(request):
        response = HttpResponse()
        response["Content-Security-Policy"] = "frame-ancestors 'self'"
        return response

    response = SiteCSPMiddleware(view)(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == "frame-ancestors 'self'"
