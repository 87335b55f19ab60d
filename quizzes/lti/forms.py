"""The instructor's choice for a link: a bank and, optionally, some of its topics."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from quizzes.models import Bank, Topic
from quizzes.views.common import taught_banks

TOPIC_NOT_IN_BANK = "Choose topics of the chosen bank ({bank}); these are not: {topics}."


def linkable_banks(user: Any) -> QuerySet[Bank]:
    """Banks an instructor may put in a course: public ones and the ones they teach."""
    taught = taught_banks(user).values("pk")
    return (
        Bank.objects.active()
        .filter(Q(visibility=Bank.Visibility.PUBLIC) | Q(pk__in=taught))
        .order_by("title", "slug")
    )


class LinkChoiceForm(forms.Form):
    bank = forms.ModelChoiceField(queryset=Bank.objects.none(), to_field_name="slug")
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.none(),
        required=False,
        help_text="None: the whole bank. The score is the mastery of what is chosen.",
    )
    title = forms.CharField(
        max_length=200, required=False, help_text="Shown in the course (default: the bank's)."
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        banks = linkable_banks(user)
        self.fields["bank"].queryset = banks
        self.fields["topics"].queryset = (
            Topic.objects.filter(bank__in=banks).select_related("bank").order_by("bank", "slug")
        )
        self.fields["topics"].label_from_instance = lambda t: f"{t.bank.title} › {t.title}"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        bank, topics = data.get("bank"), data.get("topics") or []
        stray = [t.slug for t in topics if bank is not None and t.bank_id != bank.pk]
        if stray:
            self.add_error(
                "topics", TOPIC_NOT_IN_BANK.format(bank=bank.slug, topics=", ".join(stray))
            )
        if bank is not None and not data.get("title"):
            data["title"] = bank.title
        return data
