"""Shared column helpers for the SQLModel tables."""

import re
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import AfterValidator, AwareDatetime
from sqlmodel import Field

from app.db import UTCDateTime, utcnow
from app.ids import new_id

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def _bounded(value: datetime) -> datetime:
    if not 1900 <= value.year <= 9998:
        raise ValueError("the date is out of range")
    return value


def valid_email(value: str | None) -> str | None:
    if value is not None and not re.fullmatch(EMAIL_PATTERN, value):
        raise ValueError("not an email address")
    return value


# A date-time a client sends: with its offset, and storable in UTC.
RequestDatetime = Annotated[AwareDatetime, AfterValidator(_bounded)]


def id_field() -> Any:
    return Field(default_factory=new_id, primary_key=True)


def created_at_field() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def ts_field(nullable: bool = True) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


def enum_field(enum: type[StrEnum], default: Any = ..., nullable: bool = False) -> Any:
    # Stored as text, validated by the schema: no native enum types to migrate on PostgreSQL.
    length = max(len(m.value) for m in enum) + 8
    return Field(default=default, sa_type=sa.String(length), nullable=nullable)


def version_field() -> Any:
    """Bumped by every update; the ETag is derived from it."""
    return Field(default=1, nullable=False)


def json_list_field() -> Any:
    return Field(default_factory=list, sa_type=sa.JSON, nullable=False)


__all__ = ["datetime", "uuid"]
