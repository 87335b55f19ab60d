"""Where things are in a JSON text: nesting depth, the position of a value, duplicate keys.

`json.loads` (C) does the parsing; it knows no positions, silently keeps the last of two equal
keys, and recurses once per level of nesting. This module walks the text iteratively with one
regular expression for the tokens that give JSON its shape (strings, brackets, commas, colons),
and runs only when it is needed: to measure the depth before `json.loads` could overflow, and to
point each problem of a file at the line and column of the value it is about.

Why not a library: json-source-map (the one on PyPI) recurses, so the 100,000-deep file this
guards against overflows it too; it reads character by character in Python on every parse; and
it reports no duplicate keys. Here the C parser does the happy path and this walker only the
files that have a problem, in time linear in the text.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field

Path = tuple[str | int, ...]

# A whole string (escapes included), one structural character, or a lone quote (unterminated).
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],:]|"', re.DOTALL)
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_SPACE = re.compile(r"[ \t\r\n]*")


class LineIndex:
    """Offsets in a text to 1-based (line, column), by binary search: linear to build."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def deeper_than(text: str, limit: int) -> bool:
    """Whether the text's brackets nest more than `limit` deep (strings left out; quick)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = 0
    for char in brackets:
        if char in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


@dataclass
class _Frame:
    is_object: bool
    path: Path
    index: int = 0
    key: str = ""
    expect_key: bool = True
    keys: set[str] = field(default_factory=set)


@dataclass
class Walk:
    """What one pass over a JSON text found (offsets into the text)."""

    positions: dict[Path, int] = field(default_factory=dict)
    duplicates: list[tuple[Path, int]] = field(default_factory=list)
    too_deep: int | None = None


def _key(token: str) -> str:
    try:
        return json.loads(token)
    except ValueError:
        return token[1:-1]


def walk(
    text: str,
    *,
    want: set[Path] | None = None,
    max_depth: int = 10_000,
    duplicates: bool = False,
    stop_at: Path | None = None,
) -> Walk:
    """Walk the text once: the offset where each wanted value starts (every value when `want`
    is None), each key that repeats one of its object (with `duplicates`), and the offset of
    the first bracket nested deeper than `max_depth`. Stops at an unterminated string, and
    as soon as the value at `stop_at` is found."""
    found = Walk()
    stack: list[_Frame] = []

    def starts(path: Path, after: int) -> None:
        if want is None or path in want:
            found.positions.setdefault(path, _SPACE.match(text, after).end())  # type: ignore[union-attr]

    pending: Path = ()
    starts(pending, 0)
    for match in _TOKEN.finditer(text):
        if stop_at is not None and stop_at in found.positions:
            break
        token = match.group()
        top = stack[-1] if stack else None
        if token in ("{", "["):
            if len(stack) >= max_depth:
                found.too_deep = match.start()
                break
            stack.append(_Frame(is_object=token == "{", path=pending))
            if token == "[":
                pending = (*pending, 0)
                starts(pending, match.end())
        elif token in ("}", "]"):
            if stack:
                stack.pop()
        elif token == ",":
            if top is None:
                continue
            if top.is_object:
                top.expect_key = True
            else:
                top.index += 1
                pending = (*top.path, top.index)
                starts(pending, match.end())
        elif token == ":":
            if top is not None and top.is_object:
                top.expect_key = False
                pending = (*top.path, top.key)
                starts(pending, match.end())
        elif token == '"':
            break  # an unterminated string: json.loads reports it
        elif top is not None and top.is_object and top.expect_key:
            top.key = _key(token)
            if duplicates and top.key in top.keys:
                found.duplicates.append(((*top.path, top.key), match.start()))
            top.keys.add(top.key)
    return found


class JsonSource:
    """A JSON text with the positions of its values, computed on demand."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: LineIndex | None = None

    @property
    def lines(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines

    def positions(self, paths: set[Path]) -> dict[Path, tuple[int, int]]:
        """(line, column) of the value at each path; a missing path gets its nearest parent's."""
        wanted = {p[:n] for p in paths for n in range(len(p) + 1)}
        offsets = walk(self.text, want=wanted).positions
        out: dict[Path, tuple[int, int]] = {}
        for path in paths:
            for n in range(len(path), -1, -1):
                if path[:n] in offsets:
                    out[path] = self.lines.position(offsets[path[:n]])
                    break
        return out

    def element_lines(self, path: Path) -> list[int]:
        """The line of each element of the array at `path`, for a text that parses.

        The walk stops at the array; from there the C decoder skips each element whole, so
        this costs little more than parsing the array.
        """
        start = walk(self.text, want={path}, stop_at=path).positions.get(path)
        if start is None or self.text[start : start + 1] != "[":
            return []
        decoder = json.JSONDecoder()
        text, out = self.text, []
        index = _SPACE.match(text, start + 1).end()  # type: ignore[union-attr]
        while index < len(text) and text[index] != "]":
            out.append(self.lines.position(index)[0])
            _value, end = decoder.raw_decode(text, index)
            index = _SPACE.match(text, end).end()  # type: ignore[union-attr]
            if text[index : index + 1] == ",":
                index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
        return out

    def duplicates(self) -> list[tuple[Path, tuple[int, int]]]:
        return [
            (path, self.lines.position(offset))
            for path, offset in walk(self.text, want=set(), duplicates=True).duplicates
        ]

    def too_deep(self, limit: int) -> tuple[int, int] | None:
        """Where the nesting first passes `limit` levels, or None when it never does."""
        offset = walk(self.text, want=set(), max_depth=limit).too_deep
        return None if offset is None else self.lines.position(offset)
