"""Markdown is rendered, then sanitised: nothing a user imports can run in a browser."""

from __future__ import annotations

import pytest

from quizzes.rendering import markdown_inline, markdown_to_html


@pytest.mark.parametrize(
    "source",
    [
        "Hi <script>alert(1)</script>",
        '<img src=x onerror="alert(2)">',
        "[x](javascript:alert(3))",
        '<a href="javascript:alert(4)">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<p style="background:url(javascript:alert(5))">x</p>',
        "<svg onload=alert(6)>",
    ],
)
def test_dangerous_markup_is_removed(source: str) -> None:
    html = markdown_to_html(source) + markdown_inline(source)
    for bad in ("<script", "onerror", "onload", 'href="javascript', "<iframe", "style=", "<svg"):
        assert bad not in html


def test_markdown_renders_code_lists_and_safe_links() -> None:
    html = markdown_to_html("Run `modprobe -r`:\n\n- one\n- two\n\n[docs](https://kernel.org)")
    assert "<code>modprobe -r</code>" in html
    assert "<li>one</li>" in html
    assert 'href="https://kernel.org"' in html and 'rel="noopener noreferrer"' in html


def test_fenced_code_keeps_its_text_escaped() -> None:
    html = markdown_to_html("```\n<b>dmesg</b> | tail\n```")
    assert "&lt;b&gt;dmesg&lt;/b&gt; | tail" in html


def test_inline_rendering_has_no_paragraph() -> None:
    assert markdown_inline("**bold** `x`") == "<strong>bold</strong> <code>x</code>"
