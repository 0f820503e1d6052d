"""Cursor pagination: keyset on an ever-increasing id (UUIDv7 or sequence), so the order is stable
and no item is lost or repeated between pages even while rows are added."""

import base64
import binascii
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
from sqlmodel import SQLModel

from app.errors import Invalid

T = TypeVar("T")
S = TypeVar("S", bound=Select[Any])


@dataclass(frozen=True)
class Pagination:
    limit: int
    after: str | None  # the decoded cursor: the last id of the previous page

    def after_uuid(self) -> uuid.UUID | None:
        return None if self.after is None else _parse(self.after, uuid.UUID)

    def after_int(self) -> int | None:
        value: int | None = None if self.after is None else _parse(self.after, int)
        if value is not None and not 0 <= value < 2**63:
            raise Invalid("The cursor is not valid.", field="query:/cursor")
        return value


def _parse(value: str, kind: Callable[[str], Any]) -> Any:
    try:
        return kind(value)
    except ValueError as exc:
        raise Invalid("The cursor is not valid.", field="query:/cursor") from exc


class Page(SQLModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(last_id: uuid.UUID | int) -> str:
    return base64.urlsafe_b64encode(str(last_id).encode()).rstrip(b"=").decode()


def decode_cursor(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise Invalid("The cursor is not valid.", field="query:/cursor") from exc


def keyset(stmt: S, id_column: Any, page: Pagination, after: Any) -> S:
    if after is not None:
        stmt = stmt.where(id_column > after)
    return stmt.order_by(id_column).limit(page.limit + 1)


def make_page(
    rows: Sequence[Any],
    page: Pagination,
    shape: Callable[[Any], T],
    row_id: Callable[[Any], uuid.UUID | int],
) -> "Page[T]":
    has_more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = encode_cursor(row_id(rows[-1])) if has_more and rows else None
    return Page[T](items=[shape(r) for r in rows], next_cursor=next_cursor)
