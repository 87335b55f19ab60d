"""Text conversions shared by the importers: plain text and HTML become kmodquiz Markdown.

Markdown is what a question stores; it is rendered and sanitised (nh3) when shown, so text that
arrives as HTML is never displayed as it came. HTML is converted with markdownify after a linear
check of its nesting depth (markdownify recurses once per level).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markdownify import MarkdownConverter

# Characters that mean something in CommonMark (or its table extension) wherever they stand.
_ALWAYS = re.compile(r"([\\`*_\[\]<>&|])")
# ... and those that only do at the start of a line: headings, quotes, lists, fences, setext.
_LINE_START = re.compile(r"^(\s*)([#>+=~-]|\d+[.)])", re.MULTILINE)

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_HTML_HINT = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>|&(#\d+|#x[0-9a-fA-F]+|\w+);")


def plain_to_markdown(text: str) -> str:
    """Plain text as Markdown that renders to exactly that text (every special escaped)."""
    escaped = _ALWAYS.sub(r"\\\1", text)

    def line_start(match: re.Match[str]) -> str:
        lead, mark = match.group(1), match.group(2)
        if mark[0].isdigit():
            return f"{lead}{mark[:-1]}\\{mark[-1]}"
        return f"{lead}\\{mark}"

    return _LINE_START.sub(line_start, escaped)


def is_plain_safe(text: str) -> bool:
    """True when `plain_to_markdown` leaves the text as it is (nothing needs escaping)."""
    return plain_to_markdown(text) == text


class _DepthMeter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.deepest = 0
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")
        if tag in _VOID:
            return
        self.depth += 1
        self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID:
            self.depth = max(0, self.depth - 1)


class _Converter(MarkdownConverter):
    """markdownify, escaping everything Markdown would read (a `<` in text stays a `<`)."""

    def __init__(self) -> None:
        super().__init__(
            heading_style="ATX",
            bullets="-",
            escape_misc=True,
            strip=["img", "iframe", "object", "embed", "form", "input"],
        )

    def convert_script(self, el: object, text: str, *args: object, **kwargs: object) -> str:
        return ""

    convert_style = convert_script


class HtmlTooDeep(ValueError):
    """HTML nested deeper than the limit."""


def html_images(html: str) -> list[str]:
    """The `src` of every image in an HTML fragment (embedded files are not imported)."""
    meter = _DepthMeter()
    meter.feed(html)
    meter.close()
    return meter.images


def html_to_markdown(html: str, *, max_depth: int = 64) -> str:
    """An HTML fragment as Markdown: structure kept, scripts and images dropped.

    Raises HtmlTooDeep when elements nest deeper than `max_depth` (checked without recursion).
    """
    if "<" not in html and "&" not in html:
        return plain_to_markdown(html).strip()
    meter = _DepthMeter()
    meter.feed(html)
    meter.close()
    if meter.deepest > max_depth:
        raise HtmlTooDeep(f"HTML nested {meter.deepest} levels deep (at most {max_depth})")
    markdown = _Converter().convert(html)
    # markdownify leaves runs of blank lines where block elements met; one is enough.
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()


def looks_like_html(text: str) -> bool:
    """A heuristic for text whose format is not declared (Anki fields, CSV cells)."""
    return bool(_HTML_HINT.search(text))


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skipping += 1
        elif tag in ("br", "p", "div", "li"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skipping = max(0, self.skipping - 1)

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The text of an HTML fragment on one line (for typed answers: no markup to compare)."""
    if "<" not in html and "&" not in html:
        return " ".join(html.split())
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).replace("\xa0", " ").split())
