#!/usr/bin/env python
"""The scheduler on simulated learners: the project's FSRS (through its own services) against
itself with other settings and against SM-2, on the same learners and the same days.

Each learner's hidden memory follows FSRS-6 with their own parameters (every default scaled by a
factor from 0.6–1.4) and a difficulty offset per card (bench/sim_memory.py). A learner studies once
a day at a personal time (their time zone, jittered by about an hour), skips some days, and works
through the queue the project gives them — study_queue_next and review_submit, with the project's
day boundaries and daily limits (10 new cards, 200 reviews) — until it is empty. SM-2 (Anki's
classic algorithm, written in the bench only) sees the same learners, days and answers. Leeches
stay in study unless --leech-threshold is given; then every arm suspends them as Anki does.

For each arm: reviews done (all of them, learning steps too), true retention (recalled share of
reviews of cards in review state, by the hidden memory; late reviews after skipped days count, as
in Anki's true retention), expected retention (the mean hidden recall probability at those same
reviews: true retention without the coin flips' noise) and knowledge (the sum of hidden
retrievability over all cards, averaged over the last 90 days).

    .venv/bin/python bench/scheduler_sim.py            # 6 learners × 80 cards × 365 days
    .venv/bin/python bench/scheduler_sim.py --quick    # a smoke run (CI size)
    .venv/bin/python bench/scheduler_sim.py --control --only main   # FSRS's own assumptions
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sim_memory import (  # noqa: E402
    DEFAULT_W,
    HiddenLearner,
    Sm2Card,
    Sm2Options,
    scaled_parameters,
    sm2_answer,
)

FIRST_DAY = date(2026, 1, 5)
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Sydney")
NEW_PER_DAY = 10
REVIEWS_PER_DAY = 200
SECONDS_PER_ANSWER = (6, 20)
SESSION_CAP = 500  # answers in one session, a guard against a runaway loop
KNOWLEDGE_DAYS = 90
LEARN_AHEAD = 20 * 60


# --- the learners and their days ----------------------------------------------------------------


@dataclass(frozen=True)
class DayPlan:
    at: float  # the session's start (UTC timestamp)
    skip: bool


@dataclass(frozen=True)
class LearnerSpec:
    index: int
    seed: int
    w: tuple[float, ...]
    offsets: tuple[float, ...]
    zone: str
    day_start_hour: int
    plan: tuple[DayPlan, ...]

    def hidden(self) -> HiddenLearner:
        """A fresh hidden memory for this learner (their parameters, cards and days)."""
        return HiddenLearner(
            self.w, list(self.offsets), zone=self.zone, day_start_hour=self.day_start_hour
        )

    @property
    def oracle_parameters(self) -> tuple[float, ...]:
        """The hidden parameters as a scheduler can take them: clamped to fsrs's bounds (a few
        factors push a default just outside, w7 = 0.001 × 0.6 for one). The per-card offsets
        stay hidden: no parameter set can hold them."""
        from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

        return tuple(
            min(high, max(low, w))
            for w, low, high in zip(
                self.w, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
            )
        )

    @property
    def distance(self) -> float:
        """How far the hidden memory is from FSRS's defaults: the mean |log(factor)|."""
        return statistics.fmean(
            abs(math.log(w / d)) for w, d in zip(self.w, DEFAULT_W, strict=True)
        )


def make_learners(
    count: int, cards: int, days: int, seed: int, spread: float = 0.4, control: bool = False
) -> list[LearnerSpec]:
    """The learners. `control`: memory exactly FSRS's defaults (no per-learner factor, no
    per-card offset), a session at the same time every day, no day skipped — FSRS's own
    assumptions, under which true retention must come out at the desired retention."""
    out = []
    for index in range(count):
        rng = random.Random(f"{seed}:learner:{index}")
        zone = ZONES[index % len(ZONES)]
        hour = rng.uniform(7.0, 21.0)  # the learner's usual session time, local
        skip_p = 0.0 if control else rng.uniform(0.05, 0.25)
        jitter = 0.0 if control else 1.0  # hours
        plan = []
        for day in range(days):
            local_hour = min(23.5, max(5.0, hour + rng.gauss(0, jitter)))
            local = datetime.combine(FIRST_DAY + timedelta(days=day), datetime.min.time())
            local = local.replace(tzinfo=ZoneInfo(zone)) + timedelta(hours=local_hour)
            plan.append(DayPlan(at=local.timestamp(), skip=day > 0 and rng.random() < skip_p))
        w = scaled_parameters(rng, 1 - spread, 1 + spread)
        offsets = tuple(rng.gauss(0, 1.0) for _ in range(cards))
        out.append(
            LearnerSpec(
                index=index,
                seed=rng.randrange(2**31),
                w=DEFAULT_W if control else w,
                offsets=(0.0,) * cards if control else offsets,
                zone=zone,
                day_start_hour=4,
                plan=tuple(plan),
            )
        )
    return out


def answer_rng(spec: LearnerSpec, card: int, n: int) -> random.Random:
    """The same learner answers the same card the same way at its n-th sight, in every arm."""
    return random.Random(f"{spec.seed}:{card}:{n}")


# --- arms and outcomes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Arm:
    family: str  # the curve it belongs to
    kind: str  # "fsrs" or "sm2"
    retention: float | None = None
    elapsed: str = "learner-days"
    personal: bool = False
    oracle: bool = False  # scheduled with the learner's own hidden parameters from day one
    interval_modifier: float = 1.0

    @property
    def key(self) -> str:
        if self.kind == "sm2":
            return f"sm2-im{self.interval_modifier}"
        which = "oracle" if self.oracle else "personal" if self.personal else "default"
        return f"fsrs-{self.elapsed}-{which}-{self.retention}"


@dataclass
class Outcome:
    arm: str
    learner: int
    reviews: int = 0
    review_state: int = 0
    recalled: int = 0
    expected: float = 0.0  # Σ hidden recall probability at those reviews
    knowledge: list[float] = field(default_factory=list)
    kept: bool | None = None
    seconds: float = 0.0

    @property
    def knowledge_last(self) -> float:
        return statistics.fmean(self.knowledge[-KNOWLEDGE_DAYS:])


# --- SM-2, in the bench only --------------------------------------------------------------------


def run_sm2(
    arm: Arm, spec: LearnerSpec, cards: int, days: int, leech_threshold: int = 0
) -> Outcome:
    t0 = time.perf_counter()
    options = Sm2Options(interval_modifier=arm.interval_modifier, leech_threshold=leech_threshold)
    hidden = spec.hidden()
    state = [Sm2Card() for _ in range(cards)]
    seen = [0] * cards
    out = Outcome(arm.key, spec.index)
    introduced = 0
    for day, plan in enumerate(spec.plan[:days]):
        out.knowledge.append(hidden.knowledge(plan.at))
        if plan.skip:
            continue
        now = plan.at
        reviews = sorted(
            (
                i
                for i, c in enumerate(state)
                if c.status == "review" and c.due_day <= day and not c.suspended
            ),
            key=lambda i: state[i].due_day,
        )[:REVIEWS_PER_DAY]
        new = list(range(introduced, min(cards, introduced + NEW_PER_DAY)))
        introduced += len(new)
        rng = random.Random(f"{spec.seed}:sm2:{day}")
        for _ in range(SESSION_CAP):
            learning = sorted(
                (
                    i
                    for i, c in enumerate(state)
                    if c.status in ("learning", "relearning") and not c.suspended
                ),
                key=lambda i: state[i].due_at,
            )
            if learning and state[learning[0]].due_at <= now:
                pick = learning[0]
            elif reviews:
                pick = reviews.pop(0)
            elif new:
                pick = new.pop(0)
            elif learning and state[learning[0]].due_at <= now + LEARN_AHEAD:
                pick = learning[0]
            else:
                break
            was_review = state[pick].status == "review"
            if was_review:
                out.expected += hidden.recall_probability(pick, now)
            recalled, rating = hidden.answer(pick, now, answer_rng(spec, pick, seen[pick]))
            seen[pick] += 1
            state[pick] = sm2_answer(state[pick], rating, at=now, today=day, options=options)
            out.reviews += 1
            if was_review:
                out.review_state += 1
                out.recalled += recalled
            now += rng.uniform(*SECONDS_PER_ANSWER)
    out.seconds = time.perf_counter() - t0
    return out


# --- the project, through its services (in worker processes) ------------------------------------

_bank = None
_cards: list[int] = []


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "kmodquiz.settings"
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ["KMODQUIZ_LTI_ENABLED"] = "0"  # simulated learners have no gradebook
    os.environ.setdefault("SECRET_KEY", "bench")
    import django

    django.setup()


def build_template(path: Path, cards: int) -> None:
    """A migrated database holding one bank of `cards` flashcards."""
    setup_django(f"sqlite:///{path}")
    from django.core.management import call_command

    from quizzes import services
    from quizzes.importers import native

    call_command("migrate", verbosity=0)
    doc = {
        "format": "kmodquiz-bank",
        "format_version": 1,
        "bank": {"slug": "sim", "title": "Simulated cards"},
        "topics": [{"slug": "sim", "title": "Simulated"}],
        "questions": [
            {
                "id": f"sim-{i:04d}",
                "kind": "flashcard",
                "topics": ["sim"],
                "prompt": f"Card {i}?",
                "explanation": "-",
                "difficulty": 2,
                "source": "bench",
                "spec": {"back": f"Answer {i}."},
            }
            for i in range(cards)
        ],
    }
    parsed = native.parse(json.dumps(doc).encode())
    services.bank_import(parsed=parsed, user=None, now=datetime(2026, 1, 1, tzinfo=UTC))
    from django.db import connections

    connections.close_all()


def worker_init(template: str, workdir: str) -> None:
    global _bank, _cards
    path = Path(workdir) / f"worker-{os.getpid()}.sqlite3"
    shutil.copy(template, path)
    setup_django(f"sqlite:///{path}")
    from quizzes.models import Bank, Card

    _bank = Bank.objects.get(slug="sim")
    _cards = list(Card.objects.filter(bank=_bank).order_by("id").values_list("id", flat=True))


def run_fsrs(
    arm: Arm, spec: LearnerSpec, days: int, fit_day: int, leech_threshold: int = 0
) -> Outcome:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from quizzes import services
    from quizzes.models import CardStatus, Enrollment, LearnerProfile, ParameterFit
    from quizzes.services import optimise

    t0 = time.perf_counter()
    settings.KMODQUIZ = {
        **settings.KMODQUIZ,
        "ELAPSED_DAYS": arm.elapsed,
        "LEECH_THRESHOLD": leech_threshold,
    }
    user = get_user_model().objects.create(username=f"{arm.key}-{spec.index}")
    LearnerProfile.objects.create(
        user=user,
        timezone=spec.zone,
        day_start_hour=spec.day_start_hour,
        desired_retention=arm.retention,
        fsrs_parameters=list(spec.oracle_parameters) if arm.oracle else [],
    )
    Enrollment.objects.create(
        learner=user, bank=_bank, new_per_day=NEW_PER_DAY, reviews_per_day=REVIEWS_PER_DAY
    )
    index_of = {card_id: i for i, card_id in enumerate(_cards)}
    hidden = spec.hidden()
    seen = [0] * len(_cards)
    out = Outcome(arm.key, spec.index)
    for day, plan in enumerate(spec.plan[:days]):
        out.knowledge.append(hidden.knowledge(plan.at))
        if arm.personal and day == fit_day:
            moment = datetime.fromtimestamp(plan.at, UTC)
            fit = optimise.parameter_fit_request(learner=user, now=moment)
            fit = optimise.parameter_fit_run(fit_id=fit.pk, now=moment)
            fit = ParameterFit.objects.get(pk=fit.pk)
            out.kept = fit.kept
            user = get_user_model().objects.get(pk=user.pk)  # drop the cached profile
        if plan.skip:
            continue
        now = datetime.fromtimestamp(plan.at, UTC)
        rng = random.Random(f"{spec.seed}:fsrs:{day}")
        for _ in range(SESSION_CAP):
            item = services.study_queue_next(learner=user, bank=_bank, now=now).item
            if item is None:
                break
            card = index_of[item.card.pk]
            was_review = item.state is not None and item.state.status == CardStatus.REVIEW
            if was_review:
                out.expected += hidden.recall_probability(card, now.timestamp())
            recalled, rating = hidden.answer(
                card, now.timestamp(), answer_rng(spec, card, seen[card])
            )
            seen[card] += 1
            services.review_submit(
                learner=user, card=item.card, answer=None, rating=rating, now=now
            )
            out.reviews += 1
            if was_review:
                out.review_state += 1
                out.recalled += recalled
            now += timedelta(seconds=rng.uniform(*SECONDS_PER_ANSWER))
    out.seconds = time.perf_counter() - t0
    return out


def _run_unit(args: tuple[Arm, LearnerSpec, int, int, int]) -> Outcome:
    return run_fsrs(*args)


# --- the comparison -----------------------------------------------------------------------------


@dataclass
class ArmSummary:
    arm: Arm
    learners: int
    reviews: float  # per learner
    true_retention: float | None  # pooled over learners
    expected_retention: float | None  # the mean hidden recall probability at those reviews
    knowledge: float  # per learner, mean of the last 90 days
    kept: int | None = None


def summarise(arm: Arm, outcomes: list[Outcome]) -> ArmSummary:
    review_state = sum(o.review_state for o in outcomes)
    kept = sum(bool(o.kept) for o in outcomes) if arm.personal else None
    return ArmSummary(
        arm=arm,
        learners=len(outcomes),
        reviews=statistics.fmean(o.reviews for o in outcomes),
        true_retention=sum(o.recalled for o in outcomes) / review_state if review_state else None,
        expected_retention=(
            sum(o.expected for o in outcomes) / review_state if review_state else None
        ),
        knowledge=statistics.fmean(o.knowledge_last for o in outcomes),
        kept=kept,
    )


def retention_label(retention: float) -> str:
    """0.80, 0.875: two decimals, three where the third is not 0."""
    text = f"{retention:.3f}"
    return text[:-1] if text.endswith("0") else text


def reviews_at(curve: list[tuple[float, float]], knowledge: float) -> float | None:
    """Reviews a curve of (knowledge, reviews) points needs for `knowledge` (linear between its
    points; None outside them — no extrapolation)."""
    points = sorted(curve)
    for (k0, r0), (k1, r1) in zip(points, points[1:], strict=False):
        if k0 <= knowledge <= k1:
            return r0 if k1 == k0 else r0 + (r1 - r0) * (knowledge - k0) / (k1 - k0)
    return None


def saving_at_equal_knowledge(
    curve: list[tuple[float, float]], reference: list[tuple[float, float]]
) -> list[float]:
    """For each reference point within the curve's range: 1 − curve's reviews / reference's."""
    out = []
    for knowledge, reviews in reference:
        needed = reviews_at(curve, knowledge)
        if needed is not None and reviews:
            out.append(1 - needed / reviews)
    return out


def per_learner_curve(outcomes: dict[str, list[Outcome]], arms: list[Arm], learner: int):
    return [
        (o.knowledge_last, o.reviews)
        for arm in arms
        for o in outcomes[arm.key]
        if o.learner == learner
    ]


def report(
    summaries: list[ArmSummary],
    outcomes: dict[str, list[Outcome]],
    arms: list[Arm],
    specs: list[LearnerSpec],
) -> tuple[str, dict]:
    lines = [
        "| arm | desired retention | reviews / learner | true retention | Δ points "
        "| expected retention | knowledge |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    findings: dict = {}
    for s in summaries:
        target = s.arm.retention
        true = s.true_retention
        delta = "" if target is None or true is None else f"{100 * (true - target):+.1f}"
        label = s.arm.family
        if s.kept is not None:
            label += f" (kept for {s.kept}/{s.learners})"
        if s.arm.kind == "sm2":
            label += f" ×{s.arm.interval_modifier}"
        expected = "" if s.expected_retention is None else f"{100 * s.expected_retention:.1f}%"
        lines.append(
            f"| {label} | {'' if target is None else retention_label(target)} | {s.reviews:,.0f} | "
            f"{'' if true is None else f'{100 * true:.1f}%'} | {delta} | {expected} | "
            f"{s.knowledge:.1f} |"
        )
    by_family: dict[str, list[ArmSummary]] = {}
    for s in summaries:
        by_family.setdefault(s.arm.family, []).append(s)
    curve = {f: [(s.knowledge, s.reviews) for s in ss] for f, ss in by_family.items()}
    notes = []
    main = FAMILIES["main"]
    sm2 = [s for s in summaries if s.arm.kind == "sm2" and s.arm.interval_modifier == 1.0]
    if sm2 and main in curve:
        k, r = sm2[0].knowledge, sm2[0].reviews
        needed = reviews_at(curve[main], k)
        findings["fsrs_reviews_at_sm2_knowledge"] = needed
        findings["sm2_reviews"] = r
        if needed is None:
            notes.append(
                f"SM-2 (Anki defaults) reached knowledge {k:.1f} with {r:,.0f} reviews; the "
                f"project's curve does not span that knowledge, so no equal-knowledge figure."
            )
        else:
            notes.append(
                f"At SM-2's knowledge ({k:.1f} cards, Anki defaults: {r:,.0f} reviews) the "
                f"project needs {needed:,.0f} reviews ({100 * (1 - needed / r):+.0f}% fewer)."
            )
    sm2_curve = curve.get(FAMILIES["sm2"])
    if sm2_curve and main in curve:
        savings = saving_at_equal_knowledge(curve[main], sm2_curve)
        if savings:
            findings["saving_vs_sm2_curve"] = statistics.fmean(savings)
            notes.append(
                f"Against SM-2's curve (interval modifiers), at equal knowledge the project does "
                f"{100 * statistics.fmean(savings):.0f}% fewer reviews (mean of "
                f"{len(savings)} points within its range)."
            )
    for family, key in (
        ("hours", "24h_vs_learner_days"),
        ("personal", "personal_vs_default"),
        ("oracle", "oracle_vs_default"),
    ):
        other = FAMILIES[family]
        if other in curve and main in curve:
            savings = saving_at_equal_knowledge(curve[other], curve[main])
            findings[key] = statistics.fmean(savings) if savings else None
            if savings:
                notes.append(
                    f"{other} against {main}: {100 * statistics.fmean(savings):+.1f}% fewer "
                    f"reviews at equal knowledge (mean over {len(savings)} points)."
                )
    default_arms = [a for a in arms if a.family == main]
    for family in ("personal", "oracle"):
        own_arms = [a for a in arms if a.family == FAMILIES[family]]
        if not own_arms or not default_arms:
            continue
        rows = []
        for spec in specs:
            mine = per_learner_curve(outcomes, own_arms, spec.index)
            base = per_learner_curve(outcomes, default_arms, spec.index)
            savings = saving_at_equal_knowledge(mine, base)
            kept = family == "oracle" or any(
                o.kept for a in own_arms for o in outcomes[a.key] if o.learner == spec.index
            )
            rows.append((spec.distance, statistics.fmean(savings) if savings else None, kept))
        rows.sort()
        half = len(rows) // 2
        for name, part in (("closest to the defaults", rows[:half]), ("furthest", rows[half:])):
            values = [s for _d, s, _k in part if s is not None]
            if values:
                notes.append(
                    f"{FAMILIES[family]}, the half of the learners {name} (mean |log factor| "
                    f"{statistics.fmean(d for d, _s, _k in part):.2f}): "
                    f"{100 * statistics.fmean(values):+.1f}% fewer reviews at equal knowledge."
                )
                findings[f"{family}_saving_{name.split()[0]}"] = statistics.fmean(values)
        findings[f"{family}_per_learner"] = [
            {"distance": d, "saving": s, "kept": k} for d, s, k in rows
        ]
    calibration = {}
    for family, ss in by_family.items():
        misses = [
            abs(s.true_retention - s.arm.retention)
            for s in ss
            if s.arm.retention is not None and s.true_retention is not None
        ]
        if misses:
            calibration[family] = statistics.fmean(misses)
            notes.append(
                f"{family}: true retention off the desired one by {100 * calibration[family]:.1f} "
                f"points on average (worst {100 * max(misses):.1f})."
            )
    findings["calibration"] = calibration
    return "\n".join(lines) + "\n\n" + "\n".join(f"- {n}" for n in notes), findings


FAMILIES = {
    "main": "FSRS, default parameters, learner days",
    "hours": "FSRS, default parameters, 24-hour days",
    "personal": "FSRS, personal parameters, learner days",
    "oracle": "FSRS, the learner's own hidden parameters (oracle), learner days",
    "sm2": "SM-2 (Anki defaults; interval modifier)",
}


def plot(summaries: list[ArmSummary], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=110)
    styles = {
        FAMILIES["main"]: ("o-", "tab:blue"),
        FAMILIES["hours"]: ("s--", "tab:orange"),
        FAMILIES["personal"]: ("^-", "tab:green"),
        FAMILIES["oracle"]: ("v-.", "tab:purple"),
        FAMILIES["sm2"]: ("D:", "tab:red"),
    }
    for family, (style, colour) in styles.items():
        points = sorted(
            (s.reviews, s.knowledge, s.arm) for s in summaries if s.arm.family == family
        )
        if not points:
            continue
        ax.plot([p[0] for p in points], [p[1] for p in points], style, color=colour, label=family)
        if family not in (FAMILIES["main"], FAMILIES["sm2"]):
            continue  # the other curves run through the same retentions, in the same order
        for x, y, arm in points:
            text = (
                retention_label(arm.retention)
                if arm.kind == "fsrs" and arm.retention is not None
                else f"×{arm.interval_modifier}"
            )
            ax.annotate(text, (x, y), textcoords="offset points", xytext=(4, -11), fontsize=7)
    ax.set_xlabel("reviews per learner over the run (learning steps included)")
    ax.set_ylabel(f"knowledge: Σ hidden recall probability, last {KNOWLEDGE_DAYS} days")
    ax.set_title(
        "Reviews against knowledge (labels: desired retention, SM-2's interval modifier)",
        fontsize=10,
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def make_arms(retentions: list[float], modifiers: list[float]) -> list[Arm]:
    arms = [Arm(FAMILIES["main"], "fsrs", r) for r in retentions]
    arms += [Arm(FAMILIES["hours"], "fsrs", r, elapsed="24h") for r in retentions]
    arms += [Arm(FAMILIES["personal"], "fsrs", r, personal=True) for r in retentions]
    arms += [Arm(FAMILIES["oracle"], "fsrs", r, oracle=True) for r in retentions]
    arms += [Arm(FAMILIES["sm2"], "sm2", interval_modifier=m) for m in modifiers]
    return arms


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 2 learners, 30 cards, 75 days"
    )
    parser.add_argument("--learners", type=int)
    parser.add_argument("--cards", type=int)
    parser.add_argument("--days", type=int)
    parser.add_argument("--fit-day", type=int, help="day the personal parameters are fitted (60)")
    parser.add_argument("--retentions", default="0.80,0.85,0.875,0.90,0.925,0.95")
    parser.add_argument(
        "--modifiers", default="0.6,0.8,1.0,1.25,1.6", help="SM-2 interval modifiers"
    )
    parser.add_argument(
        "--spread",
        type=float,
        default=0.4,
        help="hidden parameters are the defaults × a factor from 1±spread (0: the defaults)",
    )
    parser.add_argument(
        "--control",
        action="store_true",
        help="the control: memory exactly FSRS's defaults, no per-card offsets, the same "
        "session time every day, no skipped days (true retention must match the desired one)",
    )
    parser.add_argument(
        "--only",
        default="main,hours,personal,oracle,sm2",
        help="the families of arms to run (main, hours, personal, oracle, sm2)",
    )
    parser.add_argument(
        "--leech-threshold",
        type=int,
        default=0,
        help="suspend a card at this many lapses, in every arm (Anki's default: 8); 0, the "
        "default, keeps every card in study: a suspended leech leaves the knowledge measure "
        "to decay, so an arm that lapses more would save reviews by losing cards",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--png",
        type=lambda s: Path(s) if s else None,
        default=ROOT / "docs" / "scheduler_sim.png",
        help="write the plot here ('' for none)",
    )
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args(argv)
    learners = args.learners or (2 if args.quick else 6)
    cards = args.cards or (30 if args.quick else 80)
    days = args.days or (75 if args.quick else 365)
    fit_day = args.fit_day or (45 if args.quick else 60)
    retentions = [float(r) for r in args.retentions.split(",")]
    if args.quick and args.retentions == parser.get_default("retentions"):
        retentions = [0.85, 0.9]
    modifiers = [float(m) for m in args.modifiers.split(",")]
    specs = make_learners(learners, cards, days, args.seed, args.spread, control=args.control)
    families = {FAMILIES[name] for name in args.only.split(",")}
    arms = [arm for arm in make_arms(retentions, modifiers) if arm.family in families]
    started = time.perf_counter()
    outcomes: dict[str, list[Outcome]] = {arm.key: [] for arm in arms}
    with tempfile.TemporaryDirectory(prefix="kmodquiz-sim-") as workdir:
        template = Path(workdir) / "template.sqlite3"
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(1) as pool:  # keeps this process free of Django
            pool.apply(build_template, (template, cards))
        units = [
            (a, s, days, fit_day, args.leech_threshold)
            for a in arms
            if a.kind == "fsrs"
            for s in specs
        ]
        units.sort(key=lambda u: -(u[0].retention or 0))  # the longest runs first
        with ctx.Pool(
            args.workers, initializer=worker_init, initargs=(str(template), workdir)
        ) as pool:
            for out in pool.imap_unordered(_run_unit, units):
                outcomes[out.arm].append(out)
                print(
                    f"  {out.arm} learner {out.learner}: {out.reviews} reviews "
                    f"({out.seconds:.0f} s)",
                    file=sys.stderr,
                )
    for arm in arms:
        if arm.kind == "sm2":
            outcomes[arm.key] = [run_sm2(arm, s, cards, days, args.leech_threshold) for s in specs]
    summaries = [summarise(arm, sorted(outcomes[arm.key], key=lambda o: o.learner)) for arm in arms]
    table, findings = report(summaries, outcomes, arms, specs)
    elapsed = time.perf_counter() - started
    print(
        f"{learners} learners × {cards} cards × {days} days"
        f"{' (control: FSRS default memory, no jitter, no skipped days)' if args.control else ''}"
        f"; personal parameters fitted on day {fit_day}; leeches "
        f"{f'suspended at {args.leech_threshold} lapses' if args.leech_threshold else 'kept'}"
        f" in every arm; {len(units)} project runs on "
        f"{args.workers} workers in {elapsed:.0f} s.\n"
    )
    print(table)
    if args.png:
        plot(summaries, args.png)
        print(f"\nPNG: {args.png}")
    result = {
        "control": args.control,
        "leech_threshold": args.leech_threshold,
        "learners": learners,
        "cards": cards,
        "days": days,
        "fit_day": fit_day,
        "seconds": elapsed,
        "arms": [
            {
                **asdict(s.arm),
                "key": s.arm.key,
                **{k: v for k, v in asdict(s).items() if k != "arm"},
            }
            for s in summaries
        ],
        "findings": findings,
    }
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))
    return result


if __name__ == "__main__":
    main()
