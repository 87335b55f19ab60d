"""The learner's card browser (Anki's browser, on the web): search and sort every card of the
banks they study, open a card's info, and suspend, unsuspend, reset or bury many at once."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from quizzes import analytics, charts, selectors, services
from quizzes.forms import CardSearchForm
from quizzes.models import Bank, Rating, ReviewLog, Topic
from quizzes.views.common import render_local

SORTABLE = [
    ("due", "Due"),
    ("interval", "Interval"),
    ("difficulty", "Difficulty"),
    ("lapses", "Lapses"),
    ("reviews", "Reviews"),
    ("last_review", "Last review"),
]
BULK_DONE = {
    "suspend": "{n} card{s} suspended.",
    "unsuspend": "{n} card{s} unsuspended.",
    "reset": "{n} card{s} reset: new again.",
    "bury": "{n} card{s} buried until tomorrow (with their cloze siblings).",
}
NOTHING_CHANGED = "Nothing to change: the cards were already so."
SEARCH_INVALID = "The search is not valid; fix it and try again."


def stability_chart(logs: list[ReviewLog]) -> SafeString | None:
    """The card info's chart: stability after each live review (oldest first), lapses marked."""
    points = []
    for log in logs:
        stability = (log.state_after or {}).get("stability")
        if log.undone_at is not None or stability is None:
            continue
        rating = Rating(log.rating).label
        points.append(
            charts.Point(
                when=log.reviewed_at,
                value=float(stability),
                title=f"{log.reviewed_at:%-d %b %Y}: {rating}, stability {stability:.1f} days",
                marked=log.rating == Rating.AGAIN,
            )
        )
    if not points:
        return None
    return charts.stability_chart(
        points,
        title="Stability after each review",
        desc=f"Stability went from {points[0].value:.1f} to {points[-1].value:.1f} days over "
        f"{len(points)} review{'s' if len(points) != 1 else ''}.",
    )


def _flag(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _search(request: HttpRequest, data: QueryDict) -> tuple[CardSearchForm, list[Bank]]:
    banks = list(
        Bank.objects.filter(enrollments__learner=request.user, retired_at__isnull=True).order_by(
            "title"
        )
    )
    topics = list(Topic.objects.filter(bank__in=banks).only("slug"))
    form = CardSearchForm(data, banks=banks, topics=topics)
    return form, banks


def filters_from(form: CardSearchForm) -> analytics.CardFilters:
    """The browser's search from a valid form."""
    data = form.cleaned_data
    return analytics.CardFilters(
        text=data["q"].strip(),
        bank=data["bank"],
        topic=data["topic"],
        kind=data["kind"],
        state=data["state"],
        suspended=_flag(data["suspended"]),
        leech=_flag(data["leech"]),
        buried=_flag(data["buried"]),
        due_from=data["due_from"],
        due_to=data["due_to"],
        lapses_min=data["lapses_min"],
        lapses_max=data["lapses_max"],
        sort=data["sort"] or "due",
        descending=data["dir"] == "desc",
    )


def _sort_links(query: QueryDict, filters: analytics.CardFilters) -> list[dict[str, Any]]:
    out = []
    for key, label in SORTABLE:
        current = filters.sort == key
        params = query.copy()
        params.pop("page", None)
        params["sort"] = key
        params["dir"] = "asc" if current and filters.descending else "desc" if current else "asc"
        out.append(
            {
                "key": key,
                "label": label,
                "url": "?" + params.urlencode(),
                "aria_sort": ("descending" if filters.descending else "ascending")
                if current
                else "",
            }
        )
    return out


@login_required
def card_browser(request: HttpRequest) -> HttpResponse:
    """Every card of the learner's banks, searched, sorted and paged."""
    learner = request.user
    now = timezone.now()
    form, banks = _search(request, request.GET)
    page = None
    filters = analytics.CardFilters()
    if form.is_valid():
        filters = filters_from(form)
        try:
            number = int(request.GET.get("page", "1"))
        except ValueError:
            number = 1
        page = analytics.card_browser_page(
            learner=learner,
            filters=filters,
            now=now,
            profile=selectors.learner_profile_get(learner=learner),
            page=number,
            per_page=form.cleaned_data["per_page"] or analytics.browser.PER_PAGE,
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render_local(
        request,
        "quizzes/cards.html",
        {
            "form": form,
            "banks": banks,
            "page": page,
            "filters": filters,
            "now": now,
            "query": query.urlencode(),
            "sort_links": _sort_links(query, filters),
            "actions": services.BULK_ACTIONS,
            "max_bulk": services.card_batches.MAX_BULK_CARDS,
        },
    )


@login_required
@require_POST
def card_bulk(request: HttpRequest) -> HttpResponse:
    """Apply one action to the ticked cards, or to every card the search finds."""
    learner = request.user
    now = timezone.now()
    search = request.POST.get("search", "")
    back = reverse("cards") + (f"?{search}" if search else "")
    action = request.POST.get("action", "")
    if request.POST.get("scope") == "all":
        form, _banks = _search(request, QueryDict(search))
        if not form.is_valid():
            messages.error(request, SEARCH_INVALID)
            return redirect(back)
        found = analytics.filtered_cards(
            learner=learner,
            filters=filters_from(form),
            profile=selectors.learner_profile_get(learner=learner),
            now=now,
        )
        card_ids = list(
            found.order_by("pk").values_list("pk", flat=True)[
                : services.card_batches.MAX_BULK_CARDS + 1
            ]
        )
    else:
        card_ids = [int(v) for v in request.POST.getlist("card") if v.isdigit()]
    try:
        result = services.cards_bulk_apply(
            learner=learner, card_ids=card_ids, action=action, now=now
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(back)
    n = len(result.changed)
    if n:
        messages.success(request, BULK_DONE[action].format(n=n, s="" if n == 1 else "s"))
    else:
        messages.info(request, NOTHING_CHANGED)
    return redirect(back)
