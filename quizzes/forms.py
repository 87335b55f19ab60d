"""Forms of the pages. They check shapes; the services decide what is allowed and write."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from quizzes import conf
from quizzes.importers import FORMATS
from quizzes.models import QuestionKind, Topic
from quizzes.services.imports.runs import FILE_TOO_LARGE, human_size


@lru_cache(maxsize=1)
def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(n for n in available_timezones() if "/" in n or n == "UTC")
    return [(n, n.replace("_", " ")) for n in names]


class SignupForm(UserCreationForm):
    """A username, an e-mail address for password resets, and the browser's time zone."""

    email = forms.EmailField(
        required=True, help_text="Only used to reset your password.", max_length=254
    )
    timezone = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")


class ProfileForm(forms.Form):
    """The learner's settings (LearnerProfile); saved through services.accounts.profile_update."""

    timezone = forms.ChoiceField(
        label="Time zone",
        choices=timezone_choices,
        help_text="Your day, limits and streak follow this zone.",
    )
    day_start_hour = forms.TypedChoiceField(
        label="A new day starts at",
        coerce=int,
        choices=[(h, f"{h:02d}:00") for h in range(24)],
        help_text="Like Anki's rollover: late-night reviews still count for the same day.",
    )
    new_per_day = forms.IntegerField(
        label="New cards per day", min_value=0, max_value=9999, help_text="Per bank."
    )
    reviews_per_day = forms.IntegerField(
        label="Maximum reviews per day", min_value=0, max_value=99999, help_text="Per bank."
    )
    desired_retention = forms.FloatField(
        label="Desired retention",
        min_value=0.7,
        max_value=0.99,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
        help_text="The chance of remembering a card when it falls due (0.70–0.99). "
        "Higher means more reviews.",
    )
    bury_new_siblings = forms.BooleanField(
        label="Bury new siblings",
        required=False,
        help_text="The other blanks of a cloze wait for tomorrow once one of them was studied "
        "today (as Anki's option). Siblings are never shown one right after another anyway.",
    )
    bury_review_siblings = forms.BooleanField(
        label="Bury review siblings",
        required=False,
        help_text="Likewise for siblings due for review today.",
    )


class ReportForm(forms.Form):
    text = forms.CharField(
        label="What is wrong with this question?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A wrong answer, a typo, an unclear prompt… The bank's instructors will see it.",
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label="Note (optional)",
        max_length=2000,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Fixed in version …"}),
    )


class ImportForm(forms.Form):
    """A question file to preview; with `new_bank`, the slug and title of the bank it creates."""

    file = forms.FileField(
        label="Question file",
        help_text="kmodquiz JSON, GIFT, Aiken, Moodle XML, CSV or an Anki package (.apkg).",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".json,.gift,.txt,.aiken,.xml,.csv,.tsv,.apkg,.colpkg"}
        ),
    )
    format = forms.ChoiceField(
        label="Format",
        required=False,
        choices=[("", "Guess from the file"), *((k, v[1]) for k, v in FORMATS.items())],
    )
    skip_unsupported = forms.BooleanField(
        label="Leave out questions kmodquiz cannot express (e.g. numerical, calculated) "
        "instead of refusing the file",
        required=False,
    )
    reset_changed = forms.BooleanField(
        label="Reset learners' progress on questions whose right answer changed",
        required=False,
    )
    slug = forms.RegexField(
        label="New bank's slug",
        regex=r"^[a-z0-9][a-z0-9-]{0,79}$",
        required=False,
        help_text="Lower-case letters, digits and hyphens. Not needed for a kmodquiz JSON file, "
        "which names its bank.",
    )
    title = forms.CharField(label="New bank's title", required=False, max_length=200)

    def __init__(self, *args: Any, new_bank: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not new_bank:
            del self.fields["slug"]
            del self.fields["title"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = conf.get("IMPORT_MAX_BYTES")
        if upload.size > limit:
            raise forms.ValidationError(
                FILE_TOO_LARGE.format(size=human_size(upload.size), limit=human_size(limit))
            )
        return upload


class QuestionFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *QuestionKind.choices]
    )
    topic = forms.ChoiceField(label="Topic", required=False, choices=[("", "Any topic")])
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Active"), ("retired", "Retired"), ("all", "All")],
    )

    def __init__(self, *args: Any, topics: list[Topic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "Any topic")] + [(t.slug, t.slug) for t in topics]


class QuestionForm(forms.Form):
    """A question's own fields; its answer spec is edited by spec_forms.SpecEditor."""

    external_id = forms.RegexField(
        label="Id",
        regex=r"^[A-Za-z0-9._:-]{1,100}$",
        help_text="Letters, digits and . _ : - (100 at most). Stable: a re-import updates the "
        "question with this id in place.",
        error_messages={"invalid": "An id is 1 to 100 letters, digits, '.', '_', ':' or '-'."},
    )
    kind = forms.ChoiceField(choices=QuestionKind.choices, initial=QuestionKind.SINGLE_CHOICE)
    prompt = forms.CharField(
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown. For a cloze, an optional lead-in above the text.",
    )
    explanation = forms.CharField(
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown: why the right answer is right, shown after answering.",
    )
    topics = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one topic."},
    )
    difficulty = forms.TypedChoiceField(
        coerce=int,
        choices=[(1, "1 · recall"), (2, "2 · application"), (3, "3 · deep or tricky")],
        initial=2,
    )
    source = forms.CharField(
        required=False,
        max_length=300,
        help_text="The section or man page it rests on, e.g. modprobe(8).",
    )
    since = forms.CharField(
        required=False,
        max_length=50,
        help_text="When the behaviour it relies on appeared or changed, e.g. Linux 5.13.",
    )
    tags = forms.CharField(
        required=False, help_text="Comma-separated, e.g. scenario, dmesg.", max_length=1000
    )

    def __init__(self, *args: Any, topics: list[Topic], editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(t.slug, f"{t.slug} — {t.title}") for t in topics]
        if editing:
            self.fields["external_id"].disabled = True

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [t.strip() for t in raw.split(",") if t.strip()]

    def data_for_service(self, spec: dict[str, Any]) -> dict[str, Any]:
        """The cleaned fields and the spec in the shape services.authoring expects."""
        data = dict(self.cleaned_data)
        data["topics"] = list(data.get("topics") or [])
        data["spec"] = spec
        return data

    @staticmethod
    def initial_from(data: dict[str, Any]) -> dict[str, Any]:
        """Form initial values from services.authoring.question_as_data."""
        return {
            **{k: v for k, v in data.items() if k != "spec"},
            "tags": ", ".join(data.get("tags", [])),
        }
