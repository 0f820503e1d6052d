"""Agencies and their services or teams."""

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from app.models.base import (
    EMAIL_PATTERN,
    created_at_field,
    enum_field,
    id_field,
    valid_email,
    version_field,
)


class AgencyKind(StrEnum):
    school = "school"
    nursery = "nursery"
    health_visiting = "health_visiting"
    midwifery = "midwifery"
    gp_practice = "gp_practice"
    hospital = "hospital"
    community_health = "community_health"
    sexual_health = "sexual_health"
    mental_health = "mental_health"
    substance_misuse = "substance_misuse"
    social_care = "social_care"
    police = "police"
    probation = "probation"
    youth_offending = "youth_offending"
    housing = "housing"
    education_welfare = "education_welfare"
    local_authority = "local_authority"
    fire_service = "fire_service"
    youth_support = "youth_support"
    charity = "charity"
    other = "other"


class Sector(StrEnum):
    statutory = "statutory"
    voluntary = "voluntary"
    private = "private"


class AgencyBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    kind: AgencyKind = enum_field(AgencyKind)
    sector: Sector = enum_field(Sector)
    # Sexual health, mental health, substance misuse: involvement itself is confidential.
    sensitive_service: bool = False
    contact_email: str | None = Field(
        default=None, max_length=254, schema_extra={"pattern": EMAIL_PATTERN}
    )
    contact_phone: str | None = Field(default=None, max_length=40)

    @field_validator("contact_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return valid_email(value)


class AgencyCreate(AgencyBase):
    pass


class AgencyUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    contact_email: str | None = Field(
        default=None, max_length=254, schema_extra={"pattern": EMAIL_PATTERN}
    )
    contact_phone: str | None = Field(default=None, max_length=40)

    @field_validator("contact_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return valid_email(value)


class Agency(AgencyBase, table=True):
    id: uuid.UUID = id_field()
    version: int = version_field()
    created_at: datetime = created_at_field()


class AgencyPublic(AgencyBase):
    id: uuid.UUID
    version: int
    created_at: datetime


class ServiceBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)


class ServiceCreate(ServiceBase):
    pass


class AgencyService(ServiceBase, table=True):
    """A service or team inside an agency (a MASH team) that referrals and involvements can name."""

    __tablename__ = "agency_service"
    id: uuid.UUID = id_field()
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    version: int = version_field()
    created_at: datetime = created_at_field()


class ServicePublic(ServiceBase):
    id: uuid.UUID
    agency_id: uuid.UUID
    version: int
    created_at: datetime
