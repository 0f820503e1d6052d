"""Shared column helpers for the SQLModel tables."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from app.db import UTCDateTime, utcnow
from app.ids import new_id

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


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
