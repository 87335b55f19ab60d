"""The answer spec of a question, edited as a form per kind instead of as JSON.

Options with a "correct" tick, ordered items, pairs with distractors, accepted answers one per
line, the cloze text with other accepted answers per deletion, command lines with their grading
switches. `SpecEditor` reads the POST (blank rows are ignored; new rows get ids), builds the spec
in the native format's shape and says in words what is missing; `SpecEditor.from_spec` fills the
form from a stored spec. Works without JavaScript: "More rows" re-renders with blank rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from quizzes.grading import cloze_keys
from quizzes.spec_forms.fields import (
    DistractorFormSet,
    ItemFormSet,
    OptionFormSet,
    PairFormSet,
    SpecFields,
)
from quizzes.spec_forms.words import (
    ALTERNATIVE_LINE,
    BAD_ALTERNATIVE,
    BAD_TOLERANCE,
    FIELD_SECTION,
    HALF_PAIR,
    NEED_ACCEPTED,
    NEED_BACK,
    NEED_COMMAND,
    NEED_DELETION,
    NEED_ITEMS,
    NEED_ONE_CORRECT,
    NEED_OPTIONS,
    NEED_PAIRS,
    NEED_SOME_CORRECT,
    NEED_TRUE_FALSE,
    ONLY_ONE_CORRECT,
    ROW_WORDS,
    TOLERANCE_NEEDS_NUMBERS,
    UNKNOWN_DELETION,
    describe_spec_path,
)

MIN_ROWS = 4  # rows shown for a new question
BLANK_ROWS = 2  # blank rows added below the filled ones
MORE_ROWS = 3  # rows added by "More rows"


def _ids_for(rows: list[dict[str, Any]], key: str, prefix: str) -> None:
    """Give every row without an id a new one, unique among the rows."""
    taken = {r[key] for r in rows if r.get(key)}
    counter = 0
    for row in rows:
        if row.get(key):
            continue
        while True:
            counter += 1
            candidate = (
                chr(ord("a") + counter - 1)
                if prefix == "" and counter <= 26
                else f"{prefix or 'o'}{counter}"
            )
            if candidate not in taken:
                break
        row[key] = candidate
        taken.add(candidate)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@dataclass
class SpecEditor:
    """Every part of the spec form, bound to a POST or filled from a spec."""

    fields: SpecFields
    options: Any
    items: Any
    pairs: Any
    distractors: Any
    errors: dict[str, list[str]] = field(default_factory=dict)
    # The spec the form was filled from (an unbound editor's answer to `spec()`).
    source: dict[str, Any] | None = None

    @classmethod
    def bind(cls, data: Any, *, more: bool = False) -> SpecEditor:
        editor = cls(
            SpecFields(data),
            OptionFormSet(data, prefix="options"),
            ItemFormSet(data, prefix="items"),
            PairFormSet(data, prefix="pairs"),
            DistractorFormSet(data, prefix="distractors"),
        )
        if more:  # "More rows": the same values, unbound, with blank rows added
            return editor.with_more_rows()
        return editor

    @classmethod
    def from_spec(cls, kind: str, spec: dict[str, Any], *, extra: int = BLANK_ROWS) -> SpecEditor:
        spec = spec if isinstance(spec, dict) else {}
        correct = spec.get("correct")
        chosen = (
            {correct}
            if isinstance(correct, str)
            else set(correct)
            if isinstance(correct, list)
            else set()
        )
        options = [
            {"id": o.get("id", ""), "text": o.get("text", ""), "correct": o.get("id") in chosen}
            for o in spec.get("options", [])
            if isinstance(o, dict)
        ]
        by_id = {i.get("id"): i for i in spec.get("items", []) if isinstance(i, dict)}
        order = [i for i in spec.get("correct_order", []) if i in by_id]
        order += [i for i in by_id if i not in order]
        items = [{"id": i, "text": by_id[i].get("text", "")} for i in order]
        lefts = {i.get("id"): i for i in spec.get("left", []) if isinstance(i, dict)}
        rights = {i.get("id"): i for i in spec.get("right", []) if isinstance(i, dict)}
        pairs_spec = spec.get("pairs", {}) if isinstance(spec.get("pairs"), dict) else {}
        pairs = [
            {
                "left_id": left_id,
                "left": lefts[left_id].get("text", ""),
                "right_id": right_id,
                "right": rights.get(right_id, {}).get("text", ""),
            }
            for left_id, right_id in pairs_spec.items()
            if left_id in lefts
        ]
        paired = set(pairs_spec.values())
        distractors = [
            {"id": r, "text": item.get("text", "")} for r, item in rights.items() if r not in paired
        ]
        accepted = spec.get("accepted", [])
        alternatives = spec.get("alternatives")
        alternatives = alternatives if isinstance(alternatives, dict) else {}
        verdict = {True: "true", False: "false"}.get(correct) if kind == "true_false" else None
        initial = {
            "back": spec.get("back", ""),
            "shuffle": spec.get("shuffle", True),
            "true_false": verdict,
            "accepted": "\n".join(str(a) for a in accepted) if isinstance(accepted, list) else "",
            "case_sensitive": spec.get("case_sensitive", False),
            "tolerance": "" if spec.get("tolerance") is None else str(spec["tolerance"]),
            "allow_literal_release": spec.get("allow_literal_release", True),
            "strict_options": spec.get("strict_options", False),
            "cloze_text": spec.get("text", "") if kind == "cloze" else "",
            "right_order": " ".join(str(r) for r in rights),
            "alternatives": "\n".join(
                f"{key}: {' | '.join(values)}" for key, values in alternatives.items() if values
            ),
        }
        return cls(
            SpecFields(initial=initial),
            _formset(OptionFormSet, "options", options, extra),
            _formset(ItemFormSet, "items", items, extra),
            _formset(PairFormSet, "pairs", pairs, extra),
            _formset(DistractorFormSet, "distractors", distractors, max(1, extra - 1)),
            source=dict(spec),
        )

    def with_more_rows(self) -> SpecEditor:
        rows = {}
        for name in ("options", "items", "pairs", "distractors"):
            formset = getattr(self, name)
            formset.is_valid()
            rows[name] = [f.cleaned_data for f in formset.forms if f.is_valid() and _filled(f)]
        self.fields.is_valid()
        return SpecEditor(
            SpecFields(initial=self.fields.cleaned_data),
            _formset(OptionFormSet, "options", rows["options"], MORE_ROWS + BLANK_ROWS),
            _formset(ItemFormSet, "items", rows["items"], MORE_ROWS + BLANK_ROWS),
            _formset(PairFormSet, "pairs", rows["pairs"], MORE_ROWS + BLANK_ROWS),
            _formset(DistractorFormSet, "distractors", rows["distractors"], MORE_ROWS),
        )

    # --- reading the form back --------------------------------------------------------------

    def spec(self, kind: str) -> dict[str, Any] | None:
        """The spec for `kind`, or None with `errors` saying (in words) what is missing."""
        self.errors = {}
        if not self.fields.is_bound:
            return dict(self.source or {})
        if not self.fields.is_valid():
            for name, messages in self.fields.errors.items():
                label = self.fields.fields[name].label if name in self.fields.fields else name
                for message in messages:
                    self._error(FIELD_SECTION.get(name, name), f"{label}: {message}")
        build = getattr(self, f"_spec_{kind}", None)
        if build is None or self.errors:
            return None
        spec = build(self.fields.cleaned_data)
        return None if self.errors else spec

    def add_service_errors(self, kind: str, errors: dict[str, list[str]]) -> None:
        """Errors of the service's validation ("spec.options[2].text": [...]) in words."""
        for path, messages in errors.items():
            section, words = describe_spec_path(kind, path.removeprefix("spec").lstrip("."))
            for message in messages:
                self._error(section, f"{words}: {message}")

    def _error(self, section: str, message: str) -> None:
        self.errors.setdefault(section, []).append(message)

    def _rows(self, name: str) -> list[dict[str, Any]]:
        """The filled rows of a list (none when the form did not send it)."""
        formset = getattr(self, name)
        if not formset.is_bound or not formset.management_form.is_valid():
            return []
        rows = []
        for n, form in enumerate(formset.forms, 1):
            if not form.is_valid():
                for field, messages in form.errors.items():
                    for message in messages:
                        self._error(name, f"{ROW_WORDS[name]} {n}, {field}: {message}")
            elif _filled(form):
                rows.append(dict(form.cleaned_data))
        return rows

    def _spec_flashcard(self, data: dict[str, Any]) -> dict[str, Any]:
        if not data["back"].strip():
            self._error("back", NEED_BACK)
        return {"back": data["back"]}

    def _choices(self, data: dict[str, Any], single: bool) -> dict[str, Any]:
        rows = self._rows("options")
        _ids_for(rows, "id", "")
        if len(rows) < 3:
            self._error("options", NEED_OPTIONS)
        correct = [r["id"] for r in rows if r["correct"]]
        if single and not correct:
            self._error("options", NEED_ONE_CORRECT)
        elif single and len(correct) > 1:
            self._error("options", ONLY_ONE_CORRECT)
        elif not single and not correct:
            self._error("options", NEED_SOME_CORRECT)
        spec: dict[str, Any] = {
            "options": [{"id": r["id"], "text": r["text"]} for r in rows],
            "correct": (correct[0] if correct else "") if single else correct,
        }
        if not data["shuffle"]:
            spec["shuffle"] = False
        return spec

    def _spec_single_choice(self, data: dict[str, Any]) -> dict[str, Any]:
        return self._choices(data, single=True)

    def _spec_multiple_choice(self, data: dict[str, Any]) -> dict[str, Any]:
        return self._choices(data, single=False)

    def _spec_true_false(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["true_false"] not in ("true", "false"):
            self._error("true_false", NEED_TRUE_FALSE)
        return {"correct": data["true_false"] == "true"}

    def _spec_short_answer(self, data: dict[str, Any]) -> dict[str, Any]:
        accepted = _lines(data["accepted"])
        if not accepted:
            self._error("accepted", NEED_ACCEPTED)
        spec: dict[str, Any] = {"accepted": accepted}
        if data["case_sensitive"]:
            spec["case_sensitive"] = True
        if data["tolerance"].strip():
            try:
                tolerance = Decimal(data["tolerance"].strip())
            except InvalidOperation:
                tolerance = Decimal(-1)
            if not tolerance.is_finite() or tolerance < 0:
                self._error("tolerance", BAD_TOLERANCE)
            else:
                spec["tolerance"] = float(tolerance) if tolerance % 1 else int(tolerance)
                if not all(_is_number(a) for a in accepted):
                    self._error("accepted", TOLERANCE_NEEDS_NUMBERS)
        return spec

    def _spec_shell_command(self, data: dict[str, Any]) -> dict[str, Any]:
        accepted = _lines(data["accepted"])
        if not accepted:
            self._error("accepted", NEED_COMMAND)
        spec: dict[str, Any] = {"accepted": accepted}
        if not data["allow_literal_release"]:
            spec["allow_literal_release"] = False
        if data["strict_options"]:
            spec["strict_options"] = True
        return spec

    def _spec_cloze(self, data: dict[str, Any]) -> dict[str, Any]:
        text = data["cloze_text"]
        keys = cloze_keys(text)
        if not keys:
            self._error("cloze_text", NEED_DELETION)
        alternatives: dict[str, list[str]] = {}
        for n, line in enumerate(data["alternatives"].splitlines(), 1):
            if not line.strip():
                continue
            match = ALTERNATIVE_LINE.match(line)
            if match is None:
                self._error("alternatives", BAD_ALTERNATIVE.format(n=n))
                continue
            key = match.group(1)
            if keys and key not in keys:
                self._error("alternatives", UNKNOWN_DELETION.format(n=n, key=key))
                continue
            values = [v.strip() for v in match.group(2).split("|") if v.strip()]
            alternatives.setdefault(key, []).extend(values)
        spec: dict[str, Any] = {"text": text}
        if alternatives:
            spec["alternatives"] = alternatives
        return spec

    def _spec_ordering(self, data: dict[str, Any]) -> dict[str, Any]:
        rows = self._rows("items")
        _ids_for(rows, "id", "i")
        if len(rows) < 3:
            self._error("items", NEED_ITEMS)
        return {
            "items": [{"id": r["id"], "text": r["text"]} for r in rows],
            "correct_order": [r["id"] for r in rows],
        }

    def _spec_matching(self, data: dict[str, Any]) -> dict[str, Any]:
        pairs = []
        for n, row in enumerate(self._rows("pairs"), 1):
            left, right = row.get("left", "").strip(), row.get("right", "").strip()
            if left and right:
                pairs.append(row)
            else:
                self._error("pairs", HALF_PAIR.format(n=n))
        if len(pairs) < 3:
            self._error("pairs", NEED_PAIRS)
        distractors = self._rows("distractors")
        _ids_for(pairs, "left_id", "l")
        rights = [{"id": p.get("right_id", ""), "text": p["right"]} for p in pairs] + [
            {"id": d.get("id", ""), "text": d["text"]} for d in distractors
        ]
        _ids_for(rights, "id", "r")
        order = data["right_order"].split()
        position = {r: n for n, r in enumerate(order)}
        ordered = sorted(rights, key=lambda r: position.get(r["id"], len(order)))
        return {
            "left": [{"id": p["left_id"], "text": p["left"]} for p in pairs],
            "right": ordered,
            "pairs": {p["left_id"]: rights[i]["id"] for i, p in enumerate(pairs)},
        }


def _filled(form: forms.Form) -> bool:
    data = getattr(form, "cleaned_data", None) or {}
    return any(str(data.get(k) or "").strip() for k in ("text", "left", "right"))


def _is_number(text: str) -> bool:
    try:
        return Decimal(text.replace(",", ".")).is_finite()
    except InvalidOperation:
        return False


def _formset(cls: Any, prefix: str, rows: list[dict[str, Any]], extra: int) -> Any:
    blank = max(extra, MIN_ROWS - len(rows))
    initial = list(rows) + [{} for _ in range(blank)]
    return cls(prefix=prefix, initial=initial)


# The sections of the form each kind shows.
