"""Who calls: practitioners, machine clients (an agency's case system) and their credentials."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import field_validator
from sqlmodel import Field, SQLModel

from app.models.base import (
    EMAIL_PATTERN,
    RequestDatetime,
    created_at_field,
    id_field,
    json_list_field,
    ts_field,
    valid_email,
    version_field,
)


class AccessRole(StrEnum):
    """What a principal may do in Confer (not the job title)."""

    practitioner = "practitioner"
    authorised_worker = "authorised_worker"  # may look up the involvement index
    agency_admin = "agency_admin"
    data_protection_officer = "data_protection_officer"


class PractitionerBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    # Job title as the cases name it: health visitor, teacher, YOS worker...
    job_title: str = Field(min_length=1, max_length=120)
    email: str | None = Field(default=None, max_length=254, schema_extra={"pattern": EMAIL_PATTERN})
    phone: str | None = Field(default=None, max_length=40)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return valid_email(value)


class PractitionerCreate(PractitionerBase):
    roles: list[AccessRole] = Field(default_factory=lambda: [AccessRole.practitioner])
    service_id: uuid.UUID | None = None


class PractitionerUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    job_title: str | None = Field(default=None, min_length=1, max_length=120)
    email: str | None = Field(default=None, max_length=254, schema_extra={"pattern": EMAIL_PATTERN})
    phone: str | None = Field(default=None, max_length=40)
    roles: list[AccessRole] | None = None
    active: bool | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return valid_email(value)


class Practitioner(PractitionerBase, table=True):
    id: uuid.UUID = id_field()
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    service_id: uuid.UUID | None = Field(default=None, foreign_key="agency_service.id")
    roles: list[str] = json_list_field()
    active: bool = True
    version: int = version_field()
    created_at: datetime = created_at_field()


class PractitionerPublic(PractitionerBase):
    id: uuid.UUID
    agency_id: uuid.UUID
    service_id: uuid.UUID | None
    roles: list[AccessRole]
    active: bool
    version: int
    created_at: datetime


class ClientBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)


class Jwk(SQLModel):
    """A public JSON Web Key (RFC 7517); private members are refused."""

    kty: str = Field(max_length=10)
    kid: str = Field(min_length=1, max_length=200)
    alg: str | None = Field(default=None, max_length=10)
    use: str | None = Field(default=None, max_length=10)
    n: str | None = Field(default=None, max_length=2000)
    e: str | None = Field(default=None, max_length=20)
    crv: str | None = Field(default=None, max_length=20)
    x: str | None = Field(default=None, max_length=200)
    y: str | None = Field(default=None, max_length=200)


class Jwks(SQLModel):
    keys: list[Jwk] = Field(min_length=1, max_length=10)


class ClientCreate(ClientBase):
    jwks: Jwks


class ClientUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    jwks: Jwks | None = None
    active: bool | None = None


class MachineClient(ClientBase, table=True):
    __tablename__ = "machine_client"
    id: uuid.UUID = id_field()
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    jwks: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON, nullable=False)
    active: bool = True
    version: int = version_field()
    created_at: datetime = created_at_field()


class ClientPublic(ClientBase):
    id: uuid.UUID
    agency_id: uuid.UUID
    jwks: Jwks
    active: bool
    version: int
    created_at: datetime


class ApiKey(SQLModel, table=True):
    """A long random secret for scripts and the demo; only its keyed hash is stored."""

    __tablename__ = "api_key"
    id: uuid.UUID = id_field()
    # The public half of the key, used to find the row without scanning.
    lookup: str = Field(max_length=32, unique=True)
    secret_hash: str = Field(max_length=64)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    practitioner_id: uuid.UUID = Field(foreign_key="practitioner.id", index=True)
    label: str = Field(max_length=200)
    created_at: datetime = created_at_field()
    expires_at: datetime | None = ts_field()
    revoked_at: datetime | None = ts_field()


class ApiKeyCreate(SQLModel):
    label: str = Field(min_length=1, max_length=200)
    expires_at: RequestDatetime | None = None


class ApiKeyPublic(SQLModel):
    id: uuid.UUID
    practitioner_id: uuid.UUID
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class ApiKeyIssued(ApiKeyPublic):
    """Returned once, at creation: the only time the secret is shown."""

    key: str


class UsedAssertion(SQLModel, table=True):
    """A client assertion's jti, kept until it expires, so each one is used once."""

    __tablename__ = "used_assertion"
    client_id: uuid.UUID = Field(foreign_key="machine_client.id", primary_key=True)
    jti: str = Field(max_length=200, primary_key=True)
    expires_at: datetime = ts_field(nullable=False)


class TokenResponse(SQLModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105
    expires_in: int
