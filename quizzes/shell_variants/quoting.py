"""Shell tokens for a word as the grader reads it: quoted at random where quoting changes nothing,
with `$(uname -r)` and `$(pwd)` spelled in each of their forms."""

from __future__ import annotations

import random
import re

from quizzes.shellwords import PWD, RELEASE

LITERAL_RELEASE = "6.1.0-18-amd64"
RELEASE_FORMS = ("$(uname -r)", "`uname -r`", "$(uname --kernel-release)", "$( uname -r )")
PWD_FORMS = ("$PWD", "${PWD}", "$(pwd)", "`pwd`")
SAFE = re.compile(r"[A-Za-z0-9_./:=+,@%^-]+\Z")
_EXPANSION = re.compile(r"\$\([^()]*\)|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\$")


def quote(word: str, rng: random.Random, literal: bool) -> str:
    """A shell token that the grader reads as `word`, with its expansions kept as expansions."""
    if word == "":
        return "''"
    out: list[str] = []
    pos = 0
    for match in _EXPANSION.finditer(word):
        out.append(_literal(word[pos : match.start()], rng, at_start=not out))
        out.append(_expansion(match.group(), rng, literal))
        pos = match.end()
    out.append(_literal(word[pos:], rng, at_start=not out))
    return "".join(out)


def _expansion(text: str, rng: random.Random, literal: bool) -> str:
    if text == RELEASE:
        forms = RELEASE_FORMS + ((LITERAL_RELEASE,) if literal else ())
        return rng.choice(forms)
    if text == PWD:
        return rng.choice(PWD_FORMS)
    if text == "$":
        return "\\$"
    return text


def _literal(text: str, rng: random.Random, *, at_start: bool) -> str:
    if text == "":
        return ""
    glob = any(c in text for c in "*?[")
    tilde = at_start and text.startswith("~")
    if SAFE.match(text) and not glob:
        if tilde:
            return text
        return rng.choice((text, text, f"'{text}'", f'"{text}"'))
    if tilde:
        return "~" + _literal(text[1:], rng, at_start=False)
    if "'" not in text:
        return f"'{text}'"
    return '"' + re.sub(r'(["\\$`])', r"\\\1", text) + '"'


def plain_quote(word: str) -> str:
    if word == "":
        return "''"
    if SAFE.match(word) or "$" in word:
        return word
    if "'" not in word:
        return f"'{word}'"
    return '"' + re.sub(r'(["\\$`])', r"\\\1", word) + '"'
