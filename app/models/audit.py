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
    # PostgreSQL: the writing transaction's id, so the sealer can tell finished from in flight.
    txid: int | None = Field(default=None, sa_type=sa.BigInteger, index=True)


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


class AuditChainLink(SQLModel, table=True):
    """The hash chain over audit entries, in the order they were sealed. Append-only.

    leaf = SHA-256(0x00 || entry body); chain = SHA-256(previous chain || leaf).
    """

    __tablename__ = "audit_chain"
    seq: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    entry_id: int = Field(sa_type=sa.BigInteger, unique=True)
    leaf_hash: bytes = Field(sa_type=sa.LargeBinary)
    chain_hash: bytes = Field(sa_type=sa.LargeBinary)
    sealed_at: datetime = created_at_field()


class AuditSeal(SQLModel, table=True):
    """One run of the sealer: it chained every entry whose transaction id is below `boundary`
    (the snapshot's xmin: no transaction below it is still in flight) and not already sealed."""

    __tablename__ = "audit_seal"
    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    boundary: int | None = Field(default=None, sa_type=sa.BigInteger)
    first_seq: int | None = Field(default=None, sa_type=sa.BigInteger)
    last_seq: int | None = Field(default=None, sa_type=sa.BigInteger)
    entries: int
    sealed_at: datetime = created_at_field()


class AuditCheckpoint(SQLModel, table=True):
    """A signed statement of the log's size and RFC 9162 Merkle root, to keep outside too."""

    __tablename__ = "audit_checkpoint"
    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    size: int = Field(sa_type=sa.BigInteger)
    root: bytes = Field(sa_type=sa.LargeBinary)
    issued_at: datetime = created_at_field()
    key_id: str = Field(max_length=64)
    signature: bytes = Field(sa_type=sa.LargeBinary)
