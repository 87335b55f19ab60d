"""Fetch model instances with hand-written SQL, for the few queries on the study hot path.

Building an ORM query costs several times more than running it (bench/api_throughput.py), so
the study loop's per-request lookups select their columns here instead. Column lists come from
the models' own metadata and every value passes through the same converters the ORM applies,
so the instances are exactly what the ORM would have built.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, Any], Any]


def columns(model: type[Model], alias: str) -> str:
    """`alias.col1, alias.col2, …` for every concrete field of the model, in field order."""
    return ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in _fields(model))


@cache
def _fields(model: type[Model]) -> tuple[Any, ...]:
    return tuple(model._meta.concrete_fields)


@cache
def _pk_index(model: type[Model]) -> int:
    return [f.attname for f in _fields(model)].index(model._meta.pk.attname)


@cache
def _converters(model: type[Model], vendor: str) -> tuple[tuple[Any, list[Converter]], ...]:
    # The same converters SQLCompiler.get_converters() collects for a model's columns.
    result = []
    for field in _fields(model):
        col = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        result.append((col, found))
    return tuple(result)


def build(model: type[M], values: Sequence[Any]) -> M:
    """An instance from one row's values of `columns(model, …)`, as the ORM would load it."""
    converted = []
    for value, (col, converters) in zip(values, _converters(model, connection.vendor), strict=True):
        for convert in converters:
            value = convert(value, col, connection)
        converted.append(value)
    return model.from_db(connection.alias, [f.attname for f in _fields(model)], converted)


def fetch_one(sql: str, params: Sequence[Any], models: Sequence[type[Model]]) -> list[Any] | None:
    """Run `sql` (selecting `columns()` of each model in turn); the instances of the first row.

    A model whose primary key is NULL in the row (the missing side of a LEFT JOIN) is None.
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    instances, start = [], 0
    for model in models:
        fields = _fields(model)
        values = row[start : start + len(fields)]
        missing = values[_pk_index(model)] is None
        instances.append(None if missing else build(model, values))
        start += len(fields)
    return instances
