"""The audit trail: append-only. Each entry's body is canonical JSON (RFC 8785), fixed at append,
so that a later hash chain over it hashes stored bytes and never re-serialises."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"
    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    occurred_at: datetime = created_at_field()
    request_id: str | None = Field(default=None, max_length=64, index=True)
    agency_id: uuid.UUID | None = Field(default=None, index=True)
    practitioner_id: uuid.UUID | None = None
    client_id: uuid.UUID | None = None
    action: str = Field(max_length=80)
    object_type: str = Field(max_length=60)
    object_id: str | None = Field(default=None, max_length=64)
    subject_person_id: uuid.UUID | None = Field(default=None, index=True)
    outcome: str = Field(max_length=20)  # ok | refused
    body: bytes = Field(sa_type=sa.LargeBinary)


class AuditEntryPublic(SQLModel):
    id: int
    occurred_at: datetime
    request_id: str | None
    agency_id: uuid.UUID | None
    practitioner_id: uuid.UUID | None
    client_id: uuid.UUID | None
    action: str
    object_type: str
    object_id: str | None
    subject_person_id: uuid.UUID | None
    outcome: str
