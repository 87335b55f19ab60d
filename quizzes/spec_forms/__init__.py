"""The answer spec of a question, edited as a form per kind instead of as JSON.

fields   the form fields: single values, and lists of rows (options, items, pairs, distractors)
editor   SpecEditor: reads a POST into a spec (or fills the form from one), in words
words    the messages, where a path inside a spec shows on the form, each kind's sections
"""

from quizzes.spec_forms.editor import BLANK_ROWS, MIN_ROWS, MORE_ROWS, SpecEditor
from quizzes.spec_forms.fields import SpecFields
from quizzes.spec_forms.words import *  # noqa: F403 - the messages, for tests and views
from quizzes.spec_forms.words import KIND_SECTIONS, describe_spec_path

__all__ = [
    "BLANK_ROWS",
    "KIND_SECTIONS",
    "MIN_ROWS",
    "MORE_ROWS",
    "SpecEditor",
    "SpecFields",
    "describe_spec_path",
]
