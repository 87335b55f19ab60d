"""Hostile-proof XML reading: defusedxml (no DTD, no entities, no external references), a depth
limit checked while parsing, and the line of every element for error messages."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, TreeBuilder
from xml.etree.ElementTree import ParseError as XmlSyntaxError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser


class XmlProblem(ValueError):
    """The XML could not be read; `line` and `column` say where (when known)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class _LineTreeBuilder(TreeBuilder):
    def __init__(self, max_depth: int) -> None:
        super().__init__()
        self.parser: DefusedXMLParser | None = None
        self.lines: dict[int, int] = {}
        self.depth = 0
        self.max_depth = max_depth

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        self.depth += 1
        line = self.parser.parser.CurrentLineNumber if self.parser else 0
        if self.depth > self.max_depth:
            raise XmlProblem(f"elements nested more than {self.max_depth} deep", line)
        element = super().start(tag, attrs)
        self.lines[id(element)] = line
        return element

    def end(self, tag: str) -> Element:
        self.depth -= 1
        return super().end(tag)


class XmlDocument:
    """A parsed document and the line each element started on."""

    def __init__(self, data: bytes, *, max_depth: int = 64) -> None:
        builder = _LineTreeBuilder(max_depth)
        parser = DefusedXMLParser(
            target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        builder.parser = parser
        try:
            parser.feed(data)
            self.root: Element = parser.close()
        except XmlProblem:
            raise
        except XmlSyntaxError as exc:
            line, column = exc.position
            reason = re.sub(r": line \d+, column \d+$", "", str(exc))
            raise XmlProblem(f"not well-formed XML: {reason}", line, column + 1) from exc
        except DefusedXmlException as exc:
            raise XmlProblem(
                "the XML declares a DTD, entities or external references, which are refused "
                f"({type(exc).__name__})",
                builder.parser.parser.CurrentLineNumber if builder.parser else None,
            ) from exc
        except (ValueError, RecursionError) as exc:  # expat's own limits (and huge amplification)
            raise XmlProblem(f"the XML cannot be read: {exc}") from exc
        self._lines = builder.lines
        self._keep = builder  # the ids in `lines` stay valid while the elements live

    def line(self, element: Element) -> int | None:
        return self._lines.get(id(element))
