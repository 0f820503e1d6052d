"""Several result sets in one round trip: each SELECT aggregated into a JSON array of row arrays,
all of them columns of one statement (json_agg on PostgreSQL, json_group_array on SQLite).

A policy-checked read needs a dozen small fact sets; fetched one query each, the round trips and
per-statement overhead cost more than the work (bench/RESULTS.md). `decoder` turns the JSON
values back into the Python values the column types would have given.
"""

import functools
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func

Row = tuple[Any, ...]
Decode = Callable[[Any], Any]


def json_rows(stmt: sa.Select[Any], dialect: str) -> sa.ScalarSelect[Any]:
    """`stmt`'s rows as one JSON text: `[[col, col, ...], ...]` ('[]' when none)."""
    sub = stmt.subquery()
    if dialect == "postgresql":
        agg = func.json_agg(func.json_build_array(*sub.c))
        return sa.select(func.coalesce(agg, sa.literal_column("'[]'::json"))).scalar_subquery()
    # SQLite keeps JSON as text: json() makes it nest as JSON rather than as a string.
    cols = [func.json(c) if isinstance(c.type, sa.JSON) else c for c in sub.c]
    agg = func.json_group_array(func.json_array(*cols))
    return sa.select(agg).scalar_subquery()


def _datetime(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


# The same agency, person and statement ids recur across reads; parsing them is the costly part.
_parse_uuid = functools.lru_cache(maxsize=1 << 16)(uuid.UUID)


def _uuid(value: str | None) -> uuid.UUID | None:
    return None if value is None else _parse_uuid(value)


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _same(value: Any) -> Any:
    return value


def _decoder_for(type_: sa.types.TypeEngine[Any]) -> Decode:
    impl = getattr(type_, "impl", type_)  # a TypeDecorator decodes as what it wraps
    if isinstance(impl, sa.Uuid):
        return _uuid
    if isinstance(impl, sa.DateTime):
        return _datetime
    if isinstance(impl, sa.Date):
        return _date
    if isinstance(impl, sa.Boolean):
        return _bool
    return _same


def decoder(stmt: sa.Select[Any]) -> Callable[[str | list[Any] | None], list[Row]]:
    """Turns `json_rows(stmt)`'s value back into rows of Python values."""
    decoders: Sequence[Decode] = [_decoder_for(c.type) for c in stmt.selected_columns]

    def decode(value: str | list[Any] | None) -> list[Row]:
        rows = json.loads(value) if isinstance(value, str | bytes) else (value or [])
        return [tuple(d(v) for d, v in zip(decoders, row, strict=True)) for row in rows]

    return decode


class Combined:
    """Named SELECTs (plus any scalar columns) as one statement, built once per dialect."""

    def __init__(self, parts: dict[str, Any], *scalars: sa.ColumnElement[Any]):
        self.parts = parts
        self.scalars = scalars
        self.decoders = {name: decoder(q) for name, q in parts.items()}
        self._statements: dict[str, sa.Select[Any]] = {}

    def statement(self, dialect: str) -> sa.Select[Any]:
        if dialect not in self._statements:
            self._statements[dialect] = sa.select(
                *self.scalars,
                *(json_rows(q, dialect).label(name) for name, q in self.parts.items()),
            )
        return self._statements[dialect]

    def decode(self, row: Any) -> dict[str, list[Row]]:
        """`row`: the statement's row, or its columns by name (a mapping, a driver record)."""
        values = getattr(row, "_mapping", row)
        return {name: d(values[name]) for name, d in self.decoders.items()}
