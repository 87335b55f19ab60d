"""The learner's card browser (Anki's browser, on the web): search every card of the banks they
study, new ones included, and sort by due, interval, difficulty, lapses or last review.

A card the learner has never touched has no CardState row (quizzes/models/__init__.py), so the
browser reads the bank's cards and joins the learner's state where there is one. A page takes at
most five queries, whatever the number of cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import NotSupportedError
from django.db.models import (
    F,
    FilteredRelation,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce

from quizzes import scheduling
from quizzes.grading import render_cloze
from quizzes.models import (
    Card,
    CardState,
    CardStatus,
    Enrollment,
    LearnerProfile,
    Question,
    Topic,
)
from quizzes.selectors import learner_profile_get

STATES = {
    "new": CardStatus.NEW,
    "learning": CardStatus.LEARNING,
    "review": CardStatus.REVIEW,
    "relearning": CardStatus.RELEARNING,
}
# Sort keys and the column each sorts on; every sort ends with the card id, so pages are stable.
SORTS = {
    "due": "s_due",
    "interval": "s_interval",
    "difficulty": "s_difficulty",
    "lapses": "s_lapses",
    "reviews": "s_reps",
    "last_review": "s_last_review",
    "question": "question__external_id",
}
PER_PAGE = 50
MAX_PER_PAGE = 500


class DaysBetween(Func):
    """Days (fractional) from the second timestamp to the first: DaysBetween(end, start)."""

    output_field = FloatField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        raise NotSupportedError("DaysBetween supports SQLite and PostgreSQL")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)",
            arg_joiner=" - ",
            **extra,
        )


@dataclass(frozen=True)
class CardFilters:
    """A search of the browser. Every field narrows; the defaults find every card."""

    text: str = ""
    bank: str = ""  # slug
    topic: str = ""  # slug; its subtopics are included
    kind: str = ""
    state: str = ""  # a key of STATES
    suspended: bool | None = None
    leech: bool | None = None
    buried: bool | None = None
    due_from: date | None = None  # the learner's days, inclusive
    due_to: date | None = None
    lapses_min: int | None = None
    lapses_max: int | None = None
    sort: str = "due"
    descending: bool = False


@dataclass(frozen=True)
class CardRow:
    card_id: int
    question_id: int
    external_id: str
    deletion: str
    kind: str
    bank_slug: str
    bank_title: str
    prompt: str  # Markdown (the cloze text for a cloze question without a lead-in)
    status: int
    due: datetime | None
    last_review: datetime | None
    stability: float | None
    difficulty: float | None
    reps: int
    lapses: int
    suspended: bool
    leech: bool
    buried_until: datetime | None
    interval_days: float | None

    @property
    def state(self) -> str:
        return CardStatus(self.status).label

    def buried(self, now: datetime) -> bool:
        return self.buried_until is not None and self.buried_until > now

    def to_json(self, *, now: datetime) -> dict[str, Any]:
        return {
            "card_id": self.card_id,
            "question_id": self.question_id,
            "external_id": self.external_id,
            "deletion": self.deletion,
            "kind": self.kind,
            "bank": self.bank_slug,
            "state": next(key for key, value in STATES.items() if value == self.status),
            "due": self.due,
            "interval_days": None if self.interval_days is None else round(self.interval_days, 3),
            "stability": self.stability,
            "difficulty": self.difficulty,
            "reps": self.reps,
            "lapses": self.lapses,
            "last_review": self.last_review,
            "suspended": self.suspended,
            "leech": self.leech,
            "buried": self.buried(now),
            "buried_until": self.buried_until,
        }


@dataclass(frozen=True)
class CardPage:
    rows: list[CardRow]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _enrolled_bank_ids(learner: AbstractBaseUser, bank_ids: list[int] | None) -> QuerySet[Any]:
    enrolled = Enrollment.objects.filter(learner=learner, bank__retired_at__isnull=True)
    if bank_ids is not None:
        enrolled = enrolled.filter(bank_id__in=bank_ids)
    return enrolled.values("bank_id")


def learner_cards(
    *, learner: AbstractBaseUser, bank_ids: list[int] | None = None
) -> QuerySet[Card]:
    """The active cards of the learner's enrolled banks (optionally fewer banks), each with the
    learner's state joined as `mine` (NULL for a card they have never touched)."""
    return Card.objects.filter(
        bank_id__in=_enrolled_bank_ids(learner, bank_ids), retired_at__isnull=True
    ).annotate(mine=FilteredRelation("states", condition=Q(states__learner=learner)))


def _day_start(profile: LearnerProfile, day: date) -> datetime | None:
    """When the learner's `day` starts; None for a day at the calendar's ends (year 1 or 9999),
    whose start a datetime cannot hold in every zone: the range is then open on that side."""
    try:
        return scheduling.date_bounds(
            day, tz_name=profile.timezone, day_start_hour=profile.day_start_hour
        )[0]
    except (OverflowError, ValueError):
        return None


def _search_q(
    filters: CardFilters,
    *,
    learner: AbstractBaseUser,
    profile: LearnerProfile,
    now: datetime,
    card: str,
    state: str,
    stateless: bool,
) -> Q:
    """The search as one Q, its card fields under `card` ("" or "card__") and its state fields
    under `state` ("mine__" or ""); `stateless` says whether rows may lack a state (the card
    side of the join) or always have one (the state side)."""
    q = Q()
    if filters.text:
        text = filters.text
        q &= (
            Q(**{f"{card}question__external_id__icontains": text})
            | Q(**{f"{card}question__prompt__icontains": text})
            | Q(**{f"{card}question__spec__icontains": text})
        )
    if filters.bank:
        q &= Q(**{f"{card}bank__slug": filters.bank})
    if filters.topic:
        topics = Topic.objects.filter(bank__enrollments__learner=learner).filter(
            Q(slug=filters.topic) | Q(slug__startswith=f"{filters.topic}/")
        )
        if filters.bank:
            topics = topics.filter(bank__slug=filters.bank)
        links = Question.topics.through.objects.filter(topic__in=topics).values("question_id")
        q &= Q(**{f"{card}question_id__in": links})
    if filters.kind:
        q &= Q(**{f"{card}question__kind": filters.kind})

    def has(**lookups: Any) -> Q:
        return Q(**{f"{state}{name}": value for name, value in lookups.items()})

    # A card without a state is new, not suspended, not a leech, not buried, with no lapses.
    untouched = Q(**{f"{state[:-2]}__isnull": True}) if stateless else Q(pk__in=[])
    if filters.state:
        status = STATES[filters.state]
        q &= has(status=status) | untouched if status == CardStatus.NEW else has(status=status)
    for name, field in (("suspended", "suspended"), ("leech", "is_leech")):
        wanted = getattr(filters, name)
        if wanted is not None:
            q &= has(**{field: True}) if wanted else (has(**{field: False}) | untouched)
    if filters.buried is not None:
        buried = has(buried_until__gt=now)
        q &= buried if filters.buried else (~buried | has(buried_until__isnull=True) | untouched)
    if filters.due_from is not None and (start := _day_start(profile, filters.due_from)):
        q &= has(due__gte=start)
    after = (
        filters.due_to + timedelta(days=1) if filters.due_to and filters.due_to < date.max else None
    )
    if after is not None and (end := _day_start(profile, after)):
        q &= has(due__lt=end)
    if filters.lapses_min is not None:
        q &= has(lapses__gte=filters.lapses_min)
    if filters.lapses_max is not None:
        q &= has(lapses__lte=filters.lapses_max) | untouched
    return q


def filtered_cards(
    *,
    learner: AbstractBaseUser,
    filters: CardFilters,
    profile: LearnerProfile,
    now: datetime,
    bank_ids: list[int] | None = None,
) -> QuerySet[Card]:
    """The learner's cards matching a search (not yet sorted)."""
    search = _search_q(
        filters,
        learner=learner,
        profile=profile,
        now=now,
        card="",
        state="mine__",
        stateless=True,
    )
    return learner_cards(learner=learner, bank_ids=bank_ids).filter(search)


_COLUMNS = {
    "s_status": Coalesce(F("mine__status"), Value(int(CardStatus.NEW))),
    "s_due": F("mine__due"),
    "s_last_review": F("mine__last_review"),
    "s_stability": F("mine__stability"),
    "s_difficulty": F("mine__difficulty"),
    "s_reps": Coalesce(F("mine__reps"), Value(0)),
    "s_lapses": Coalesce(F("mine__lapses"), Value(0)),
    "s_suspended": Coalesce(F("mine__suspended"), Value(False)),
    "s_leech": Coalesce(F("mine__is_leech"), Value(False)),
    "s_buried_until": F("mine__buried_until"),
    "s_interval": DaysBetween(F("mine__due"), F("mine__last_review")),
}
_CARD_FIELDS = {
    "pk": "pk",
    "question_id": "question_id",
    "question__external_id": "question__external_id",
    "deletion": "deletion",
    "question__kind": "question__kind",
    "question__prompt": "question__prompt",
    "question__spec": "question__spec",
    "bank__slug": "bank__slug",
    "bank__title": "bank__title",
}


def _card_side_rows(
    cards: QuerySet[Card], *, column: str | None, descending: bool, start: int, stop: int
) -> list[CardRow]:
    """Rows of the card side of the join sorted by `column` (None: by card), then by card: the
    page's ids first, from narrow rows (the sort then holds ids and keys, not prompts), then
    those cards' columns."""
    if stop <= start:
        return []
    order: list[Any] = ["-pk" if descending else "pk"]
    if column is not None:
        if column in _COLUMNS:
            cards = cards.annotate(**{column: _COLUMNS[column]})
        key = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
        order.insert(0, key)
    ids = list(cards.order_by(*order).values_list("pk", flat=True)[start:stop])
    if not ids:
        return []
    rows = cards.filter(pk__in=ids).annotate(**_COLUMNS).values(*_CARD_FIELDS, *_COLUMNS)
    found = {values["pk"]: _row(values) for values in rows}
    return [found[pk] for pk in ids]


def _state_side_rows(
    states: QuerySet[CardState], order: list[str], start: int, stop: int
) -> list[CardRow]:
    columns = {f"c_{name}": F(f"card__{field}") for name, field in _CARD_FIELDS.items()}
    state_columns = {
        "s_status": F("status"),
        "s_due": F("due"),
        "s_last_review": F("last_review"),
        "s_stability": F("stability"),
        "s_difficulty": F("difficulty"),
        "s_reps": F("reps"),
        "s_lapses": F("lapses"),
        "s_suspended": F("suspended"),
        "s_leech": F("is_leech"),
        "s_buried_until": F("buried_until"),
        "s_interval": DaysBetween(F("due"), F("last_review")),
    }
    rows = states.annotate(**columns, **state_columns).order_by(*order)
    rows = rows.values(*columns, *state_columns)[start:stop]
    return [_row({key.removeprefix("c_"): value for key, value in r.items()}) for r in rows]


def card_browser_page(
    *,
    learner: AbstractBaseUser,
    filters: CardFilters,
    now: datetime,
    profile: LearnerProfile | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    bank_ids: list[int] | None = None,
) -> CardPage:
    """One page of the learner's cards matching `filters`, sorted (the count and one to four
    queries for the page, however many cards there are). A page past the end is the last page.

    Sorted by due (the default), the page is read from the learner's states in due order (the
    index state_by_learner_due) and, past them, from the cards without a due time (new ones):
    the first page does not touch the other 100,000 cards. Other sorts read the join of cards
    and states.
    """
    if filters.sort not in SORTS:
        raise ValueError(f"cannot sort by {filters.sort!r}; one of {', '.join(SORTS)}")
    if profile is None:
        profile = learner_profile_get(learner=learner)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    cards = filtered_cards(
        learner=learner, filters=filters, profile=profile, now=now, bank_ids=bank_ids
    )
    total = cards.count()
    pages = max(1, -(-total // per_page))
    number = max(1, min(page, pages))
    start, stop = (number - 1) * per_page, number * per_page
    desc = filters.descending
    if filters.sort != "due":
        rows = _card_side_rows(
            cards, column=SORTS[filters.sort], descending=desc, start=start, stop=stop
        )
        return CardPage(rows=rows, total=total, number=number, per_page=per_page)
    search = _search_q(
        filters,
        learner=learner,
        profile=profile,
        now=now,
        card="card__",
        state="",
        stateless=False,
    )
    # CardState.retired mirrors the card's retirement and bank_id its bank: no join to filter.
    timed = CardState.objects.filter(
        search,
        learner=learner,
        bank_id__in=_enrolled_bank_ids(learner, bank_ids),
        retired=False,
        due__isnull=False,
    )
    order = ["-due", "-card_id"] if desc else ["due", "card_id"]
    rows = _state_side_rows(timed, order, start, stop)
    if len(rows) < per_page:
        # The cards with a due time end on this page or before it: the rest comes from the
        # cards without one (new cards), in card order.
        n_timed = start + len(rows) if rows or start == 0 else timed.count()
        untimed = cards.filter(Q(mine__isnull=True) | Q(mine__due__isnull=True))
        rows += _card_side_rows(
            untimed,
            column=None,
            descending=desc,
            start=start + len(rows) - n_timed,
            stop=stop - n_timed,
        )
    return CardPage(rows=rows, total=total, number=number, per_page=per_page)


def _row(values: dict[str, Any]) -> CardRow:
    prompt = values["question__prompt"] or ""
    spec = values["question__spec"] or {}
    if not prompt.strip() and values["question__kind"] == "cloze":
        # A cloze card asks its own blank, the other deletions shown.
        prompt = render_cloze(spec.get("text", ""), hide=values["deletion"] or None)
    return CardRow(
        card_id=values["pk"],
        question_id=values["question_id"],
        external_id=values["question__external_id"],
        deletion=values["deletion"],
        kind=values["question__kind"],
        bank_slug=values["bank__slug"],
        bank_title=values["bank__title"],
        prompt=prompt,
        status=values["s_status"],
        due=values["s_due"],
        last_review=values["s_last_review"],
        stability=values["s_stability"],
        difficulty=values["s_difficulty"],
        reps=values["s_reps"],
        lapses=values["s_lapses"],
        suspended=bool(values["s_suspended"]),
        leech=bool(values["s_leech"]),
        buried_until=values["s_buried_until"],
        interval_days=values["s_interval"],
    )
