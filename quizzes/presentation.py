"""A card as the study page shows it, and the study form's fields read back as an answer payload.

Pure functions over a Card (with its question) and plain values: no queries here, so the study
page's query count does not depend on what kind of card it shows. Everything authored goes
through quizzes.rendering and quizzes.cloze_html (Markdown, then sanitised); no HTML is built or
patched here.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.http import QueryDict
from django.utils.safestring import SafeString, mark_safe

from quizzes.cloze_html import Mode as ClozeMode
from quizzes.cloze_html import cloze_to_html
from quizzes.grading import InvalidAnswer, Verdict
from quizzes.models import Card, QuestionKind, Rating
from quizzes.rendering import markdown_inline, markdown_plain, markdown_to_html
from quizzes.scheduling import format_interval

CHOOSE_ONE = "Choose an answer first."
CHOOSE_SOME = "Choose at least one option first."
CHOOSE_TRUE_FALSE = "Choose true or false first."

RATING_KEYS = {Rating.AGAIN: "1", Rating.HARD: "2", Rating.GOOD: "3", Rating.EASY: "4"}


@dataclass(frozen=True)
class Choice:
    """One option, ordering item or matching entry as shown, with how it fared once answered."""

    id: str
    html: SafeString
    label: str = ""  # plain text, where markup cannot go (a select's options)
    chosen: bool = False
    correct: bool = False


@dataclass(frozen=True)
class MatchRow:
    left: Choice
    chosen: str | None = None
    chosen_html: SafeString | None = None
    correct_html: SafeString | None = None
    ok: bool = False


@dataclass
class CardView:
    """Everything the study template needs to show one card, before or after answering."""

    kind: str
    kind_label: str
    prompt_html: SafeString
    choices: list[Choice] = field(default_factory=list)
    right: list[Choice] = field(default_factory=list)
    rows: list[MatchRow] = field(default_factory=list)
    cloze_html: SafeString | None = None
    back_html: SafeString | None = None
    given: str = ""
    expected: str = ""
    also_accepted: list[str] = field(default_factory=list)
    chose_true: bool | None = None


def _md(text: str) -> SafeString:
    # markdown_to_html sanitises with nh3: its output is the only HTML this module trusts.
    return mark_safe(markdown_to_html(text))


def _inline(text: str) -> SafeString:
    return mark_safe(markdown_inline(text))


def _seeded(learner_id: int, card: Card, reps: int) -> random.Random:
    # Stable across the question page, the answer page and a reload, and changing each review:
    # the learner cannot learn "the second option" instead of the answer.
    return random.Random(f"{learner_id}:{card.pk}:{reps}")


def _choices(items: list[dict[str, Any]]) -> list[Choice]:
    return [
        Choice(id=str(i["id"]), html=_inline(str(i["text"])), label=markdown_plain(str(i["text"])))
        for i in items
    ]


def _shown_order(items: list[Choice], rng: random.Random, shuffle: bool) -> list[Choice]:
    shown = list(items)
    if shuffle:
        rng.shuffle(shown)
    return shown


def card_view(*, card: Card, learner_id: int, reps: int, autofocus: bool = True) -> CardView:
    """The card before it is answered: prompt and controls, options in a seeded shuffle."""
    question = card.question
    spec = question.spec or {}
    kind = question.kind
    rng = _seeded(learner_id, card, reps)
    view = CardView(
        kind=kind,
        kind_label=QuestionKind(kind).label,
        prompt_html=_md(question.prompt),
    )
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        view.choices = _shown_order(
            _choices(spec.get("options", [])), rng, spec.get("shuffle", True)
        )
    elif kind == QuestionKind.ORDERING:
        view.choices = _shown_order(_choices(spec.get("items", [])), rng, True)
        if [c.id for c in view.choices] == list(spec.get("correct_order", [])):
            # A shuffle that happens to be the answer gives it away: rotate it once.
            view.choices = view.choices[1:] + view.choices[:1]
    elif kind == QuestionKind.MATCHING:
        view.choices = _choices(spec.get("left", []))
        view.right = _shown_order(_choices(spec.get("right", [])), rng, True)
    elif kind == QuestionKind.CLOZE:
        view.cloze_html = cloze_with_blanks(
            spec.get("text", ""), key=card.deletion, autofocus=autofocus
        )
    return view


def cloze_with_blanks(text: str, *, key: str, autofocus: bool = True) -> SafeString:
    """The cloze text as HTML with an input where each of the card's deletions is hidden."""
    # cloze_html parses the blanks as Markdown tokens and sanitises last: its output is final.
    return mark_safe(cloze_to_html(text, key=key, mode=ClozeMode.ASK, autofocus=autofocus))


def cloze_revealed(text: str, *, key: str) -> SafeString:
    """The cloze text with every answer shown, the card's own deletions highlighted."""
    return mark_safe(cloze_to_html(text, key=key, mode=ClozeMode.REVEAL))


# --- the form, read back ----------------------------------------------------------------------


def answer_from_post(*, card: Card, data: QueryDict) -> Any:
    """The answer payload (docs/formats.md) from the study form; InvalidAnswer when unchosen."""
    question = card.question
    kind = question.kind
    spec = question.spec or {}
    if kind == QuestionKind.FLASHCARD:
        return None
    if kind == QuestionKind.SINGLE_CHOICE:
        if not data.get("choice"):
            raise InvalidAnswer(CHOOSE_ONE)
        return data["choice"]
    if kind == QuestionKind.MULTIPLE_CHOICE:
        chosen = [c for c in data.getlist("choice") if c]
        if not chosen:
            raise InvalidAnswer(CHOOSE_SOME)
        return list(dict.fromkeys(chosen))
    if kind == QuestionKind.TRUE_FALSE:
        value = data.get("choice")
        if value not in ("true", "false"):
            raise InvalidAnswer(CHOOSE_TRUE_FALSE)
        return value == "true"
    if kind in (QuestionKind.SHORT_ANSWER, QuestionKind.SHELL_COMMAND):
        return data.get("text", "")
    if kind == QuestionKind.CLOZE:
        # One payload string per deletion; a deletion that appears twice asks twice.
        given = [v.strip() for v in data.getlist("blank") if v.strip()]
        return {card.deletion: ", ".join(dict.fromkeys(given))}
    if kind == QuestionKind.ORDERING:
        shown = [i for i in data.getlist("item") if i]
        ids = [str(i["id"]) for i in spec.get("items", [])]
        if sorted(shown) != sorted(ids):
            shown = ids

        def position(pair: tuple[int, str]) -> tuple[int, int]:
            index, item = pair
            try:
                return int(data.get(f"pos-{item}", "")), index
            except ValueError:
                return len(ids) + 1, index

        return [item for _i, item in sorted(enumerate(shown), key=position)]
    if kind == QuestionKind.MATCHING:
        return {
            str(left["id"]): (data.get(f"match-{left['id']}") or None)
            for left in spec.get("left", [])
        }
    raise InvalidAnswer(f"unknown question kind {kind!r}")


def answer_to_field(answer: Any) -> str:
    """The answer as the hidden field of the rating form carries it."""
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":"))


def answer_from_field(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError) as exc:
        raise InvalidAnswer("the answer field is not valid JSON") from exc


# --- after answering --------------------------------------------------------------------------


def answered_view(
    *, card: Card, learner_id: int, reps: int, answer: Any, verdict: Verdict
) -> CardView:
    """The card after answering: the learner's answer against the right one."""
    view = card_view(card=card, learner_id=learner_id, reps=reps)
    spec = card.question.spec or {}
    kind = view.kind
    if kind == QuestionKind.FLASHCARD:
        view.back_html = _md(str(spec.get("back", "")))
    elif kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        chosen = {answer} if isinstance(answer, str) else set(answer or [])
        right = spec.get("correct")
        right_ids = {right} if isinstance(right, str) else set(right or [])
        view.choices = [
            replace(c, chosen=c.id in chosen, correct=c.id in right_ids) for c in view.choices
        ]
    elif kind == QuestionKind.TRUE_FALSE:
        view.chose_true = bool(answer)
        view.expected = "True" if spec.get("correct") else "False"
    elif kind in (QuestionKind.SHORT_ANSWER, QuestionKind.SHELL_COMMAND):
        view.given = str(answer or "")
        view.expected = str(verdict.expected)
        view.also_accepted = [a for a in spec.get("accepted", [])[1:] if a != view.expected]
    elif kind == QuestionKind.CLOZE:
        view.cloze_html = cloze_revealed(spec.get("text", ""), key=card.deletion)
        view.given = str((answer or {}).get(card.deletion, ""))
        view.expected = str((verdict.expected or {}).get(card.deletion, ""))
    elif kind == QuestionKind.ORDERING:
        by_id = {c.id: c for c in view.choices}
        order = [str(i) for i in spec.get("correct_order", [])]
        given = [str(i) for i in (answer or [])]
        view.choices = [
            replace(by_id[i], chosen=True, correct=pos < len(order) and order[pos] == i)
            for pos, i in enumerate(given)
            if i in by_id
        ]
        view.right = [by_id[i] for i in order if i in by_id]
    elif kind == QuestionKind.MATCHING:
        right = {c.id: c.html for c in view.right}
        pairs = spec.get("pairs", {})
        given = answer or {}
        view.rows = [
            MatchRow(
                left=left,
                chosen=given.get(left.id),
                chosen_html=right.get(given.get(left.id) or ""),
                correct_html=right.get(pairs.get(left.id, "")),
                ok=given.get(left.id) == pairs.get(left.id),
            )
            for left in view.choices
        ]
    return view


@dataclass(frozen=True)
class RatingButton:
    rating: int
    label: str
    interval: str
    key: str
    default: bool = False


def rating_buttons(
    *, allowed: tuple[int, ...], previews: dict[int, datetime], now: datetime
) -> list[RatingButton]:
    """The ratings the verdict allows, each with its previewed interval ("Good 3d")."""
    default = Rating.GOOD if Rating.GOOD in allowed else allowed[0]
    return [
        RatingButton(
            rating=int(r),
            label=Rating(r).label,
            interval=format_interval(previews[r] - now) if r in previews else "",
            key=RATING_KEYS[Rating(r)],
            default=r == default,
        )
        for r in allowed
    ]


def feedback_text(verdict: Verdict) -> str:
    """The grader's feedback without the "Not quite: " the verdict heading already says."""
    text = verdict.feedback.removeprefix("Not quite: ")
    return text[:1].upper() + text[1:]


def explanation_html(card: Card) -> SafeString:
    """The question's explanation, shown after answering (Markdown, sanitised)."""
    return _md(card.question.explanation)
