"""Hypothesis strategies for banks in the shape a format can express exactly.

`banks(fmt)` draws a ParsedBank whose every question survives `export -> parse` in `fmt`
unchanged: it uses only the kinds, fields and texts the format has a place for, written the way
its importer writes them (option ids a, b, c; pairs l1 -> r1; defaults left out). What the
format cannot hold is what docs/formats.md lists for it.
"""

from __future__ import annotations

import string
from typing import Any

from hypothesis import strategies as st

from quizzes.importers.base import ParsedBank, ParsedQuestion, ParsedTopic
from quizzes.importers.common import slug_segment
from quizzes.importers.gift_answers import option_id

KINDS = {
    "native": ["flashcard", "single_choice", "multiple_choice", "true_false", "short_answer",
               "shell_command", "cloze", "ordering", "matching"],
    "csv": ["flashcard", "single_choice", "multiple_choice", "true_false", "short_answer",
            "shell_command", "cloze", "ordering", "matching"],
    "apkg": ["flashcard", "single_choice", "multiple_choice", "true_false", "short_answer",
             "shell_command", "cloze", "ordering", "matching"],
    "moodle_xml": ["flashcard", "single_choice", "multiple_choice", "true_false", "short_answer",
                   "cloze", "ordering", "matching"],
    "gift": ["flashcard", "single_choice", "multiple_choice", "true_false", "short_answer",
             "matching"],
    "aiken": ["single_choice", "true_false"],
}  # fmt: skip
RICH = ["`lsmod`", "**bold**", "a_b", "x < y", "{", "}", "~", "=", "#", ":", "\\", "&", "é", "日本"]
PLAIN = string.ascii_letters + string.digits + " ,?'"


def _text(fmt: str, *, plain: bool = False) -> st.SearchStrategy[str]:
    words = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=8)
    if fmt == "aiken" or plain:
        pieces = st.text(alphabet=PLAIN, min_size=1, max_size=20)
    else:
        extra = [t for t in RICH if not (fmt == "moodle_xml" and t == "{")]
        pieces = st.lists(words | st.sampled_from(extra), min_size=1, max_size=5).map(" ".join)
        if fmt in ("native", "csv", "apkg", "moodle_xml"):
            pieces = pieces | st.lists(words, min_size=2, max_size=3).map("\n\n".join)
    return pieces.map(str.strip).filter(lambda t: bool(t) and t not in ("True", "False"))


# Accepted answers of a shell_command must be real invocations (the importer checks their options).
_MODULE = st.text(alphabet=string.ascii_lowercase + "_", min_size=2, max_size=10).filter(
    lambda m: m.strip("_") == m
)
_COMMANDS = st.one_of(
    _MODULE.map(lambda m: f"modprobe {m}"),
    _MODULE.map(lambda m: f"sudo modprobe -r {m}"),
    _MODULE.map(lambda m: f"rmmod {m}"),
    _MODULE.map(lambda m: f"insmod ./{m}.ko"),
    _MODULE.map(lambda m: f"modinfo -F license {m}"),
    st.sampled_from(["lsmod", "depmod -a", "dmesg -T", "journalctl -k -b"]),
)


def _distinct(
    fmt: str, low: int, high: int, *, plain: bool = False
) -> st.SearchStrategy[list[str]]:
    return st.lists(_text(fmt, plain=plain), min_size=low, max_size=high, unique_by=str.casefold)


@st.composite
def _spec(draw: st.DrawFn, fmt: str, kind: str) -> dict[str, Any]:
    lossless = fmt in ("native", "csv", "apkg")
    if kind == "flashcard":
        return {"back": draw(_text(fmt))}
    if kind in ("single_choice", "multiple_choice"):
        texts = draw(_distinct(fmt, 3, 6))
        options = [{"id": option_id(i), "text": t} for i, t in enumerate(texts)]
        ids = [o["id"] for o in options]
        if kind == "single_choice":
            spec: dict[str, Any] = {"options": options, "correct": draw(st.sampled_from(ids))}
        else:
            picked = draw(st.sets(st.sampled_from(ids), min_size=1))
            spec = {"options": options, "correct": [i for i in ids if i in picked]}
        shuffles = (
            [None, True, False] if lossless else [None, False] if fmt == "moodle_xml" else [None]
        )
        shuffle = draw(st.sampled_from(shuffles))
        return spec if shuffle is None else {**spec, "shuffle": shuffle}
    if kind == "true_false":
        return {"correct": draw(st.booleans())}
    if kind in ("short_answer", "shell_command"):
        if kind == "short_answer" and fmt != "aiken" and draw(st.booleans()):
            values = draw(
                st.lists(
                    st.sampled_from(["6", "2.5", "-3", "1822", "0.001"]),
                    min_size=1,
                    max_size=2,
                    unique=True,
                )
            )
            return {"accepted": values, "tolerance": draw(st.sampled_from([0, 1, 0.5, 2]))}
        if kind == "shell_command":
            accepted = draw(st.lists(_COMMANDS, min_size=1, max_size=3, unique_by=str.casefold))
        else:
            accepted = draw(_distinct(fmt, 1, 3, plain=fmt == "gift"))
        spec = {"accepted": accepted}
        cases = [None, True, False] if lossless else [None, True] if fmt == "moodle_xml" else [None]
        case = draw(st.sampled_from(cases)) if kind == "short_answer" else None
        return spec if case is None else {**spec, "case_sensitive": case}
    if kind == "cloze":
        answers = draw(_distinct(fmt, 1, 3, plain=True))
        glue = draw(
            st.lists(
                _text(fmt, plain=fmt == "moodle_xml"),
                min_size=len(answers) + 1,
                max_size=len(answers) + 1,
            )
        )
        text = glue[0] + "".join(
            f" {{{{c{i + 1}::{a}}}}} {glue[i + 1]}" for i, a in enumerate(answers)
        )
        spec = {"text": text}
        if draw(st.booleans()):
            spec["alternatives"] = {"c1": draw(_distinct(fmt, 1, 2, plain=True))}
        return spec
    if kind == "ordering":
        texts = draw(_distinct(fmt, 3, 5))
        items = [{"id": option_id(i), "text": t} for i, t in enumerate(texts)]
        order = [i["id"] for i in items]
        if fmt in ("native", "apkg"):
            order = draw(st.permutations(order))
        return {"items": items, "correct_order": list(order)}
    lefts = draw(_distinct(fmt, 3, 5))
    rights = draw(_distinct(fmt, len(lefts), len(lefts) + 2, plain=fmt == "moodle_xml"))
    return {
        "left": [{"id": f"l{i + 1}", "text": t} for i, t in enumerate(lefts)],
        "right": [{"id": f"r{i + 1}", "text": t} for i, t in enumerate(rights)],
        "pairs": {f"l{i + 1}": f"r{i + 1}" for i in range(len(lefts))},
    }


@st.composite
def banks(draw: st.DrawFn, fmt: str) -> ParsedBank:
    titles = draw(
        st.lists(
            st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=12)
            # Titles as people write them: Moodle XML's importer reads a category path's names
            # with runs of spaces collapsed (category_titles, shared with GIFT), as question names.
            .map(lambda text: " ".join(text.split()))
            .filter(bool),
            min_size=1,
            max_size=3,
            unique_by=slug_segment,
        )
    )
    topics = [ParsedTopic(slug_segment(titles[0]), titles[0])]
    for title in titles[1:]:
        topics.append(ParsedTopic(f"{topics[0].slug}/{slug_segment(title)}", title, topics[0].slug))
    lossless = fmt in ("native", "csv", "apkg")
    questions = []
    ids = draw(
        st.lists(
            st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9._:-]{0,10}[A-Za-z0-9])?", fullmatch=True).filter(
                lambda i: not i.startswith("anki:")
            ),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    for external_id in ids:
        kind = draw(st.sampled_from(KINDS[fmt]))
        spec = draw(_spec(fmt, kind))
        keeps_explanation = fmt != "aiken" and not (fmt == "gift" and kind == "flashcard")
        chosen = draw(
            st.lists(
                st.sampled_from([t.slug for t in topics]),
                min_size=1,
                max_size=3 if lossless else 1,
                unique=True,
            )
        )
        questions.append(
            ParsedQuestion(
                external_id=external_id,
                kind=kind,
                prompt="" if kind == "cloze" and fmt == "moodle_xml" else draw(_text(fmt)),
                explanation=draw(st.just("") | _text(fmt)) if keeps_explanation else "",
                spec=spec,
                difficulty=draw(st.sampled_from([1, 2, 3])) if lossless else 2,
                source=draw(st.just("") | _text(fmt, plain=True)) if lossless else "",
                tags=tuple(
                    draw(
                        st.lists(
                            st.from_regex(r"[a-z0-9][a-z0-9_-]{0,8}", fullmatch=True),
                            max_size=2,
                            unique=True,
                        )
                    )
                )
                if lossless or fmt == "moodle_xml"
                else (),
                topics=tuple(chosen),
            )
        )
    return ParsedBank(slug="round-trip", title="Round trip", topics=topics, questions=questions)
