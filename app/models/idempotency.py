"""Stored results of creations made with an Idempotency-Key (IETF draft), per caller."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_record"
    scope: str = Field(max_length=80, primary_key=True)  # the caller: client or API key owner
    key: str = Field(max_length=255, primary_key=True)
    method: str = Field(max_length=10)
    path: str = Field(max_length=500)
    request_hash: str = Field(max_length=64)
    response_status: int | None = None
    response_body: Any = Field(default=None, sa_type=sa.JSON)
    response_headers: dict[str, str] | None = Field(default=None, sa_type=sa.JSON)
    created_at: datetime = created_at_field()
