"""The question editor's preview: the question as a learner sees it, every card of a cloze, and
the grader's verdict on an answer the instructor tries. Built from unsaved form data; whatever is
wrong is said in words (no exception text reaches the page)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from quizzes import grading, presentation, services
from quizzes.grading import InvalidAnswer, render_cloze
from quizzes.models import Bank, Card, Question, QuestionKind
from quizzes.rendering import markdown_inline, markdown_to_html
from quizzes.services import authoring
from quizzes.spec_forms import SpecEditor, describe_spec_path

CHOOSE_KIND = "Choose the kind of question."
FIX_TO_PREVIEW = "To preview the question, fix this first:"
SELF_GRADED = "A flashcard is graded by the learner: they compare with the back, then rate."


def _texts(items: list[dict[str, Any]]) -> dict[str, str]:
    # Markdown, rendered and sanitised as the learner sees it.
    return {
        str(i.get("id")): mark_safe(markdown_inline(str(i.get("text", ""))))
        for i in items
        if isinstance(i, dict)
    }


def expected_in_words(kind: str, spec: dict[str, Any], key: str) -> list[str]:
    """The right answer as the learner would read it (one line per part)."""
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        texts = _texts(spec["options"])
        correct = spec["correct"]
        return [texts[c] for c in ([correct] if isinstance(correct, str) else correct)]
    if kind == QuestionKind.TRUE_FALSE:
        return ["True" if spec["correct"] else "False"]
    if kind in (QuestionKind.SHORT_ANSWER, QuestionKind.SHELL_COMMAND):
        return [str(a) for a in spec["accepted"]]
    if kind == QuestionKind.ORDERING:
        texts = _texts(spec["items"])
        return [format_html("{}. {}", n, texts[i]) for n, i in enumerate(spec["correct_order"], 1)]
    if kind == QuestionKind.MATCHING:
        left, right = _texts(spec["left"]), _texts(spec["right"])
        return [format_html("{} → {}", left[a], right[b]) for a, b in spec["pairs"].items()]
    if kind == QuestionKind.CLOZE:
        expected = grading.expected_answer(kind, spec, deletion=key)
        alternatives = (spec.get("alternatives") or {}).get(key, [])
        return [
            f"{key}: {expected[key]}" + (f" (or {', '.join(alternatives)})" if alternatives else "")
        ]
    return [str(spec.get("back", ""))]


def preview_context(
    *,
    bank: Bank,
    kind: str,
    prompt: str,
    explanation: str,
    editor: SpecEditor,
    answer_data: QueryDict | None = None,
    card_key: str = "",
) -> dict[str, Any]:
    """What _preview.html shows; with `answer_data`, the verdict on the answer in it."""
    if kind not in QuestionKind.values:
        return {"errors": [CHOOSE_KIND]}
    if not editor.fields.is_bound and not editor.source:
        return {"empty": True}  # a new question, nothing written yet
    spec = editor.spec(kind)
    if spec is None:
        return {"errors": [m for messages in editor.errors.values() for m in messages]}
    problems = authoring.spec_errors(kind=kind, spec=spec)
    if problems:
        words = []
        for path, messages in problems.items():
            _section, where = describe_spec_path(kind, path)
            words += [f"{where}: {m}" for m in messages]
        return {"errors": words}
    question = Question(bank=bank, kind=kind, prompt=prompt, spec=spec, explanation=explanation)
    keys = services.card_keys(question)
    key = card_key if card_key in keys else keys[0]
    card = Card(question=question, bank=bank, deletion=key)
    context: dict[str, Any] = {
        "view": presentation.card_view(card=card, learner_id=0, reps=0, autofocus=False),
        "expected": expected_in_words(kind, spec, key),
        "explanation_html": presentation.explanation_html(card),
        "card_key": key,
    }
    if kind == QuestionKind.CLOZE:
        context["cloze_cards"] = [
            {"key": k, "html": mark_safe(markdown_to_html(render_cloze(spec["text"], hide=k)))}
            for k in keys
        ]
    if kind == QuestionKind.FLASHCARD:
        context["back_html"] = mark_safe(markdown_to_html(str(spec.get("back", ""))))
    if answer_data is not None:
        context["tried"] = _try(kind, spec, card, key, answer_data)
    return context


def _try(kind: str, spec: dict[str, Any], card: Card, key: str, data: QueryDict) -> dict[str, Any]:
    """The grader's verdict on the answer in `data`, or why it cannot be graded."""
    if kind == QuestionKind.FLASHCARD:
        return {"correct": None, "feedback": SELF_GRADED}
    try:
        answer = presentation.answer_from_post(card=card, data=data)
        verdict = grading.grade(kind, spec, answer, deletion=key or None)
    except InvalidAnswer as exc:
        return {"correct": False, "unanswered": True, "feedback": str(exc)}
    given = data.get("text", "") if kind in ("short_answer", "shell_command") else ""
    return {
        "correct": verdict.correct,
        "score": round(verdict.score * 100),
        "feedback": verdict.feedback,
        "given": given,
    }
