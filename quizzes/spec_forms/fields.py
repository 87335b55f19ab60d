"""The form fields of the answer editor: single values, and lists of rows (formsets)."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory


class Row(forms.Form):
    id = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    text = forms.CharField(
        required=False, max_length=100_000, widget=forms.TextInput(attrs={"class": "wide"})
    )


class OptionRow(Row):
    correct = forms.BooleanField(required=False, label="Correct")


class PairRow(forms.Form):
    left_id = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    left = forms.CharField(required=False, max_length=100_000, label="Left")
    right_id = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    right = forms.CharField(required=False, max_length=100_000, label="Matches")


OptionFormSet = formset_factory(OptionRow, extra=0)
ItemFormSet = formset_factory(Row, extra=0)
PairFormSet = formset_factory(PairRow, extra=0)
DistractorFormSet = formset_factory(Row, extra=0)


class SpecFields(forms.Form):
    """The single-value parts of every kind's spec (each kind uses some of them)."""

    back = forms.CharField(
        label="Back of the card",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown, shown when the learner reveals the answer.",
    )
    shuffle = forms.BooleanField(
        label="Show the options shuffled",
        required=False,
        initial=True,
        help_text="Untick when the order matters (“All of the above”, a natural order).",
    )
    true_false = forms.ChoiceField(
        label="The statement is",
        required=False,
        choices=[("true", "True"), ("false", "False")],
        widget=forms.RadioSelect,
    )
    accepted = forms.CharField(
        label="Accepted answers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono", "spellcheck": "false"}),
        help_text="One per line; the first is shown as the answer.",
    )
    case_sensitive = forms.BooleanField(label="Upper and lower case must match", required=False)
    tolerance = forms.CharField(
        label="Numeric tolerance",
        required=False,
        max_length=40,
        help_text="For a number: right within ± this much of an accepted value. Empty: text.",
    )
    allow_literal_release = forms.BooleanField(
        label="A literal kernel release may stand for $(uname -r)", required=False, initial=True
    )
    strict_options = forms.BooleanField(
        label="Strict options",
        required=False,
        help_text="The exact options are the point: output-only options (-v, -q) and options "
        "spelling out a default count like any other.",
    )
    cloze_text = forms.CharField(
        label="Text with deletions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Markdown; each {{c1::answer}} or {{c1::answer::hint}} is hidden. Each "
        "number (c1, c2…) becomes a card.",
    )
    # The stored order of a matching question's right-hand items (they are shown shuffled, but
    # saving an unchanged question must not change its spec).
    right_order = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    alternatives = forms.CharField(
        label="Other accepted answers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "mono"}),
        help_text="One line per deletion: c1: another answer | one more",
    )
