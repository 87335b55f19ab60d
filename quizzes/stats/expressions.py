"""SQL expressions shared by the progress aggregates: learner days, days since, mastery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import NotSupportedError
from django.db.models import (
    DateField,
    DateTimeField,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Floor, Trunc

from quizzes import scheduling
from quizzes.models import (
    CardState,
    CardStatus,
)


class LearnerDate(Func):
    """The learner's calendar date of a timestamp: local wall-clock time minus the rollover hour.

    The hour is subtracted from the *local* time (not from UTC before converting), so that days
    stay right across daylight-saving changes.
    """

    output_field = DateField()

    def __init__(self, expression: Any, *, tz_name: str, day_start_hour: int) -> None:
        self.day_start_hour = int(day_start_hour)  # an int from the profile: safe to inline
        local = Trunc(
            expression, "second", output_field=DateTimeField(), tzinfo=scheduling.zone(tz_name)
        )
        super().__init__(local)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        raise NotSupportedError("LearnerDate supports SQLite and PostgreSQL")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = f"date(%(expressions)s, '-{self.day_start_hour} hours')"
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = f"CAST((%(expressions)s) - INTERVAL '{self.day_start_hour} hours' AS date)"
        return super().as_sql(compiler, connection, template=template, **extra)


class DaysSince(Func):
    """Days (fractional) from a timestamp column to a given instant."""

    output_field = FloatField()

    def __init__(self, expression: Any, *, now: datetime) -> None:
        super().__init__(Value(now, output_field=DateTimeField()), expression)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        raise NotSupportedError("DaysSince supports SQLite and PostgreSQL")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "(julianday(%(expressions)s))"
        return super().as_sql(
            compiler, connection, template=template, arg_joiner=") - julianday(", **extra
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)"
        return super().as_sql(compiler, connection, template=template, arg_joiner=" - ", **extra)


class LearnerDaysSince(Func):
    """Whole learner days from a timestamp column to the learner's `today`: today minus the
    learner date of the timestamp (scheduling.elapsed_days with learner days)."""

    output_field = FloatField()

    def __init__(self, expression: Any, *, today: date, tz_name: str, day_start_hour: int) -> None:
        super().__init__(
            Value(today, output_field=DateField()),
            LearnerDate(expression, tz_name=tz_name, day_start_hour=day_start_hour),
        )

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        raise NotSupportedError("LearnerDaysSince supports SQLite and PostgreSQL")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "(julianday(%(expressions)s))"
        return super().as_sql(
            compiler, connection, template=template, arg_joiner=") - julianday(", **extra
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "(%(expressions)s)"
        return super().as_sql(compiler, connection, template=template, arg_joiner=" - ", **extra)


def days_until_retention(config: scheduling.Config) -> float:
    """Whole days after a review until retrievability falls below the desired retention, per
    day of stability: R(t) = (1 + F·t/S)^D >= r  <=>  t <= S·(r^(1/D) − 1)/F.

    The inverse of FSRS's forgetting curve (scheduling.retrievability), so mastery can be
    decided in SQL; tests check the two agree.
    """
    parameters = tuple(config.parameters) or scheduling.DEFAULT_PARAMETERS
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return (config.desired_retention ** (1 / decay) - 1) / factor


@dataclass(frozen=True)
class MasteryRule:
    """One learner's mastery rule, decided in Python: a started card is mastered while the days
    since its last review, counted as the scheduler counts them (scheduling.elapsed_days), stay
    within its stability's horizon (days_until_retention)."""

    config: scheduling.Config
    horizon: float

    @classmethod
    def of(cls, config: scheduling.Config) -> MasteryRule:
        return cls(config=config, horizon=days_until_retention(config))

    def holds(self, *, stability: float, last_review: datetime, now: datetime) -> bool:
        elapsed = scheduling.elapsed_days(last_review, now=now, config=self.config)
        return elapsed <= stability * self.horizon


def mastered_q(*, config: scheduling.Config) -> Q:
    """CardState rows (annotated by with_days_since_review) whose retrievability now is at
    least the desired retention."""
    horizon = days_until_retention(config)
    return Q(
        status__gt=CardStatus.NEW,
        stability__isnull=False,
        last_review__isnull=False,
        days_since_review__lte=F("stability") * horizon,
    )


def with_days_since_review(
    states: QuerySet[CardState], *, now: datetime, config: scheduling.Config
) -> QuerySet[CardState]:
    """Annotate whole days since the last review, counted as the scheduler counts them
    (scheduling.elapsed_days): learner days, or whole 24-hour periods."""
    if config.elapsed == scheduling.HOURS_24:
        return states.annotate(days_since_review=Floor(DaysSince("last_review", now=now)))
    today = scheduling.learner_date(
        now, tz_name=config.tz_name, day_start_hour=config.day_start_hour
    )
    return states.annotate(
        days_since_review=LearnerDaysSince(
            "last_review",
            today=today,
            tz_name=config.tz_name,
            day_start_hour=config.day_start_hour,
        )
    )
