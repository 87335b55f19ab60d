"""Split a typed command line into shell words the way a POSIX shell groups them.

Unlike `shlex.split`, quotes, `$(...)` (nested), `${...}` and backticks stay inside one word, and
the control operators (`|`, `&&`, `||`, `;`, `&`) and redirections (`>`, `>>`, `2>` ...) are
recognised. Nothing is expanded: command substitutions are kept as text in a canonical form, so
`` `uname -r` ``, `$( uname -r )` and `$(uname --kernel-release)` all read `$(uname -r)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

RELEASE = "$(uname -r)"
PWD = "$(pwd)"

# Words of a command substitution that stand for the running kernel's release / the current
# directory. `$(PWD)` is Makefile syntax; kernel-module Makefiles use it for `M=$(PWD)`.
_RELEASE_COMMANDS = (("uname", "-r"), ("uname", "--kernel-release"))
_PWD_COMMANDS = (("pwd",), ("PWD",))
_PWD_VARIABLES = ("PWD",)

# A literal kernel release (`6.1.0-18-amd64`, `5.15.0-91-generic`, `6.8.9-300.fc40.x86_64`):
# digit.digit, then a third number or a suffix, standing alone or as a piece of a path or name.
_RELEASE_RE = re.compile(r"(?<![\w.])\d+\.\d+(?:\.\d+)*(?:[-+~][\w.+~-]*)?(?![\w.+~-])")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SEPARATORS = (";", "&&", "||", "&")
_MAX_DEPTH = 8


class ShellSyntaxError(ValueError):
    """The command line cannot be split; the message says why, in words for a learner."""


@dataclass(frozen=True)
class Stage:
    """One simple command of a pipeline: its words and its redirections, in order.

    `numbers` holds, for each word, its position among the words of the whole line as typed
    (1-based, redirection targets counted, operators not), so feedback can say "word 3".
    """

    words: tuple[str, ...]
    redirects: tuple[tuple[str, str], ...] = ()
    numbers: tuple[int, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Pipeline:
    """Stages joined by `|`, and the operator that ends it (`;`, `&&`, `||`, `&` or "")."""

    stages: tuple[Stage, ...]
    terminator: str = ""


@dataclass(frozen=True)
class _Op:
    text: str


class _Lexer:
    def __init__(self, text: str, depth: int) -> None:
        self.text = text
        self.depth = depth
        self.pos = 0
        self.tokens: list[str | _Op] = []
        self.buf: list[str] = []
        self.started = False  # a word has begun (so `''` yields an empty word)
        self.quoted = False  # the current word holds quoted text (so `'2'>` is no fd number)

    def run(self) -> list[str | _Op]:
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in " \t\r":
                self._flush()
                self.pos += 1
            elif ch == "\n":
                self._flush()
                self.tokens.append(_Op("\n"))
                self.pos += 1
            elif ch == "#" and not self.started:
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif ch in "|&;<>()":
                self._operator()
            else:
                self._word_part()
        self._flush()
        return self.tokens

    def _flush(self) -> None:
        if self.started:
            self.tokens.append("".join(self.buf))
        self.buf, self.started, self.quoted = [], False, False

    def _add(self, piece: str, *, quoted: bool = False) -> None:
        self.buf.append(piece)
        self.started = True
        self.quoted = self.quoted or quoted

    def _word_part(self) -> None:
        text, pos = self.text, self.pos
        ch = text[pos]
        if ch == "\\":
            if pos + 1 >= len(text):
                raise ShellSyntaxError("the line ends with a backslash")
            if text[pos + 1] != "\n":  # backslash-newline is a line continuation
                self._add(text[pos + 1], quoted=True)
            self.pos = pos + 2
        elif ch == "'":
            end = text.find("'", pos + 1)
            if end < 0:
                raise ShellSyntaxError("unbalanced quote: a ' is never closed")
            self._add(text[pos + 1 : end], quoted=True)
            self.pos = end + 1
        elif ch == '"':
            self._double_quoted()
        elif ch == "$":
            piece, self.pos = _dollar(text, pos, self.depth)
            self._add(piece)
        elif ch == "`":
            piece, self.pos = _backtick(text, pos, self.depth)
            self._add(piece)
        else:
            self._add(ch)
            self.pos = pos + 1

    def _double_quoted(self) -> None:
        text, pos = self.text, self.pos + 1
        self.started = self.quoted = True
        while pos < len(text):
            ch = text[pos]
            if ch == '"':
                self.pos = pos + 1
                return
            if ch == "\\" and pos + 1 < len(text) and text[pos + 1] in '$`"\\\n':
                if text[pos + 1] != "\n":
                    self.buf.append(text[pos + 1])
                pos += 2
            elif ch == "$":
                piece, pos = _dollar(text, pos, self.depth)
                self.buf.append(piece)
            elif ch == "`":
                piece, pos = _backtick(text, pos, self.depth)
                self.buf.append(piece)
            else:
                self.buf.append(ch)
                pos += 1
        raise ShellSyntaxError('unbalanced quote: a " is never closed')

    def _operator(self) -> None:
        text, pos = self.text, self.pos
        ch = text[pos]
        if ch in "()":
            raise ShellSyntaxError(f"unexpected {ch!r}: subshells and grouping are not supported")
        if ch in "<>" or text.startswith("&>", pos):
            fd = ""
            if self.started and not self.quoted and "".join(self.buf).isdigit():
                fd, self.buf, self.started = "".join(self.buf), [], False
            self._flush()
            op = _match(
                text, pos, ("&>>", "&>", ">>", ">&", ">|", "<<<", "<<", "<&", "<>", ">", "<")
            )
            self.pos = pos + len(op)
            if op == ">|":
                op = ">"
            if (fd == "1" and op[0] == ">") or (fd == "0" and op[0] == "<"):
                fd = ""
            self.tokens.append(_Op(fd + op))
            return
        self._flush()
        op = _match(text, pos, ("&&", "||", "|&", ";", "&", "|"))
        self.pos = pos + len(op)
        self.tokens.append(_Op(op))


def _match(text: str, pos: int, candidates: tuple[str, ...]) -> str:
    return next(c for c in candidates if text.startswith(c, pos))


def _dollar(text: str, pos: int, depth: int) -> tuple[str, int]:
    """Read the `$...` construct at `pos`; return its canonical text and the position after it."""
    nxt = text[pos + 1 : pos + 2]
    if nxt == "(":
        end = _closing_paren(text, pos + 2)
        inner = text[pos + 2 : end]
        if inner.startswith("(") and inner.endswith(")"):  # $(( arithmetic ))
            return "$((" + " ".join(inner[1:-1].split()) + "))", end + 1
        return _substitution(inner, depth), end + 1
    if nxt == "{":
        end = text.find("}", pos + 2)
        if end < 0:
            raise ShellSyntaxError("unbalanced ${: a } is missing")
        name = text[pos + 2 : end].strip()
        return (PWD if name in _PWD_VARIABLES else "${" + name + "}"), end + 1
    match = _NAME_RE.match(text, pos + 1)
    if match:
        return (PWD if match.group() in _PWD_VARIABLES else "$" + match.group()), match.end()
    return "$", pos + 1


def _closing_paren(text: str, pos: int) -> int:
    depth = 1
    while pos < len(text):
        ch = text[pos]
        if ch == "\\":
            pos += 2
            continue
        if ch in "'\"":
            end = _closing_quote(text, pos)
            if end < 0:
                break
            pos = end
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return pos
        pos += 1
    raise ShellSyntaxError("unbalanced $(: a command substitution is never closed")


def _closing_quote(text: str, pos: int) -> int:
    quote, pos = text[pos], pos + 1
    while pos < len(text):
        if text[pos] == "\\" and quote == '"':
            pos += 2
        elif text[pos] == quote:
            return pos
        else:
            pos += 1
    return -1


def _backtick(text: str, pos: int, depth: int) -> tuple[str, int]:
    start = pos = pos + 1
    while pos < len(text):
        if text[pos] == "\\":
            pos += 2
        elif text[pos] == "`":
            return _substitution(text[start:pos].replace("\\`", "`"), depth), pos + 1
        else:
            pos += 1
    raise ShellSyntaxError("unbalanced backtick: a ` is never closed")


def _substitution(inner: str, depth: int) -> str:
    """Canonical text of a command substitution, so equivalent spellings compare equal."""
    if depth >= _MAX_DEPTH:
        raise ShellSyntaxError("command substitutions are nested too deeply")
    try:
        pipelines = _split(inner, depth + 1)
    except ShellSyntaxError:
        return "$(" + " ".join(inner.split()) + ")"
    if len(pipelines) == 1 and len(pipelines[0].stages) == 1:
        stage = pipelines[0].stages[0]
        if not stage.redirects and stage.words in _RELEASE_COMMANDS:
            return RELEASE
        if not stage.redirects and stage.words in _PWD_COMMANDS:
            return PWD
    return "$(" + _render(pipelines) + ")"


def _render(pipelines: tuple[Pipeline, ...]) -> str:
    parts: list[str] = []
    for pipeline in pipelines:
        stages = [
            " ".join(s.words + tuple(op + t for op, t in s.redirects)) for s in pipeline.stages
        ]
        parts.append(
            " | ".join(stages) + (" " + pipeline.terminator if pipeline.terminator else "")
        )
    return " ".join(parts)


def split_command_line(text: str) -> tuple[Pipeline, ...]:
    """Split a command line into pipelines of stages; raise ShellSyntaxError saying why not."""
    return _split(text, 0)


def _split(text: str, depth: int) -> tuple[Pipeline, ...]:
    pipelines: list[Pipeline] = []
    stages: list[Stage] = []
    words: list[str] = []
    numbers: list[int] = []
    redirects: list[tuple[str, str]] = []
    tokens = _Lexer(text, depth).run()
    index = count = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if isinstance(token, str):
            count += 1
            words.append(token)
            numbers.append(count)
            continue
        op = token.text
        if op not in _SEPARATORS and op not in ("|", "|&", "\n"):
            if index >= len(tokens) or not isinstance(tokens[index], str):
                raise ShellSyntaxError(f"the redirection {op} has no target")
            count += 1
            redirects.append((op, str(tokens[index])))
            index += 1
            continue
        if not words:
            if op == "\n":  # a newline after `|`, `&&` ... or on a blank line continues the line
                continue
            raise ShellSyntaxError(f"there is no command before {op}")
        op = ";" if op == "\n" else op
        if op == "|&":  # `a |& b` is `a 2>&1 | b`
            redirects.append(("2>&", "1"))
        stages.append(Stage(tuple(words), tuple(redirects), tuple(numbers)))
        words, numbers, redirects = [], [], []
        if op in _SEPARATORS:
            pipelines.append(Pipeline(tuple(stages), op))
            stages = []
    if words:
        stages.append(Stage(tuple(words), tuple(redirects), tuple(numbers)))
        pipelines.append(Pipeline(tuple(stages), ""))
    elif redirects:
        raise ShellSyntaxError("a redirection needs a command")
    elif stages:
        raise ShellSyntaxError("the line ends with | and no command after it")
    if pipelines and pipelines[-1].terminator in ("&&", "||"):
        raise ShellSyntaxError(f"the line ends with {pipelines[-1].terminator}")
    if pipelines and pipelines[-1].terminator == ";":  # a trailing `;` changes nothing
        pipelines[-1] = Pipeline(pipelines[-1].stages, "")
    if not pipelines:
        raise ShellSyntaxError("the command line is empty")
    return tuple(pipelines)


def literal_release_to_substitution(word: str) -> str:
    """Replace literal kernel releases in a word (or path) with `$(uname -r)`."""
    return _RELEASE_RE.sub(_release_or_keep, word)


def _release_or_keep(match: re.Match[str]) -> str:
    text = match.group()
    # `1.5` is a number, not a release: a release has a third number or a suffix.
    if text.count(".") >= 2 or any(c in text for c in "-+~"):
        return RELEASE
    return text
