"""JSON bodies the API can take: DRF's parser, refusing what would only fail later.

A body nested a thousand levels deep overflows Python's recursion limit in the decoder (and in
everything that walks the value afterwards); a lone UTF-16 surrogate (`"\\ud800"`) decodes to a
str that cannot be encoded again (the review's request hash, PostgreSQL's jsonb). Both are
refused here as malformed JSON, before any view sees them.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32
TOO_DEEP = "The JSON body is nested more than {depth} levels deep."
LONE_SURROGATE = "The JSON body has a string with a lone surrogate (\\ud800-\\udfff): not text."


def check_json_value(data: Any, *, max_depth: int = MAX_DEPTH) -> None:
    """Raise ParseError when `data` is nested too deep or holds a string that is not text."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict | list):
            if depth > max_depth:
                raise ParseError(TOO_DEEP.format(depth=max_depth))
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    _check_text(key)
                stack.append((item, depth + 1))


def _check_text(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ParseError(LONE_SURROGATE) from None


class SafeJSONParser(JSONParser):
    """JSONParser, plus the depth and text checks of check_json_value."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP.format(depth=MAX_DEPTH)) from None
        check_json_value(data)
        return data
