"""People, families, relationships and competence to consent.

A person is an identity anchor (id, NHS number). What each agency knows of them is that agency's
own profile: an answer never carries what another agency recorded.
"""

import uuid
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from pydantic import ConfigDict, field_validator, model_validator
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, enum_field, id_field, ts_field, version_field
from app.nhs_number import normalise_nhs_number


class PersonKind(StrEnum):
    known = "known"
    unborn = "unborn"  # an expected baby (case 8)
    described = "described"  # known only by a description (case 7's boyfriend)


class Person(SQLModel, table=True):
    # Random (v4), not time-ordered: an agency linking to a known NHS number gets this id, and a
    # timestamp in it would tell that, and when, someone else registered the person.
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    nhs_number: str | None = Field(default=None, max_length=10, unique=True)
    created_at: datetime = created_at_field()


class PersonProfileBase(SQLModel):
    kind: PersonKind = enum_field(PersonKind, default=PersonKind.known)
    given_name: str | None = Field(default=None, max_length=100)
    family_name: str | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, max_length=1000)
    date_of_birth: date | None = None
    # True when the date of birth is an estimate (unverified: Natasha "says she is 14").
    date_of_birth_estimated: bool = False
    expected_date: date | None = None
    nhs_number: str | None = Field(default=None, max_length=10)


class PersonRegister(PersonProfileBase):
    # Why this agency works with the person: recorded with the involvement it creates.
    reason: str = Field(min_length=1, max_length=2000)
    # Accepts the printed form "943 476 5919"; stored as ten digits.
    nhs_number: str | None = Field(default=None, max_length=14)
    # A person already known to Confer whom the agency has a legitimate interest in (a referral
    # to it, a group's agenda, a follow-up it accepted) but no record of its own yet, when there
    # is no NHS number to link by: the agency's own profile of that person.
    person_id: uuid.UUID | None = None

    @field_validator("nhs_number")
    @classmethod
    def _valid_nhs_number(cls, value: str | None) -> str | None:
        return None if value is None else normalise_nhs_number(value)

    @model_validator(mode="after")
    def _consistent(self) -> "PersonRegister":
        if self.person_id is not None and self.nhs_number is not None:
            raise ValueError("give person_id or nhs_number, not both")
        check_profile(self)
        return self


class PersonUpdate(SQLModel):
    # A field this schema does not know is refused (422 naming it), never silently dropped.
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    given_name: str | None = Field(default=None, max_length=100)
    family_name: str | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, max_length=1000)
    date_of_birth: date | None = None
    date_of_birth_estimated: bool | None = None
    expected_date: date | None = None
    kind: PersonKind | None = None
    # Given once known (an unborn baby, after birth); then another agency registering the same
    # NHS number reaches this person. Accepts the printed form; stored as ten digits.
    nhs_number: str | None = Field(default=None, max_length=14)

    @field_validator("nhs_number")
    @classmethod
    def _valid_nhs_number(cls, value: str | None) -> str | None:
        return None if value is None else normalise_nhs_number(value)


def check_profile(p: PersonProfileBase) -> None:
    if p.kind == PersonKind.unborn:
        if p.expected_date is None:
            raise ValueError("an unborn child needs expected_date")
        if p.date_of_birth is not None:
            raise ValueError("an unborn child has no date_of_birth")
    elif p.kind == PersonKind.described:
        if not p.description:
            raise ValueError("a person known only by a description needs description")
    elif not (p.given_name or p.family_name):
        raise ValueError("a known person needs given_name or family_name")
    if p.date_of_birth is not None and p.date_of_birth > date.today():
        raise ValueError("date_of_birth is in the future")


class PersonProfile(PersonProfileBase, table=True):
    __tablename__ = "person_profile"
    __table_args__ = (sa.UniqueConstraint("person_id", "agency_id"),)
    id: uuid.UUID = id_field()
    person_id: uuid.UUID = Field(foreign_key="person.id", index=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    registered_by: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    version: int = version_field()
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()


class PersonPublic(PersonProfileBase):
    """The caller agency's own view of a person."""

    id: uuid.UUID  # the person's id, shared by every agency that registered them
    is_child: bool | None
    version: int
    created_at: datetime


class AddressBase(SQLModel):
    line1: str = Field(min_length=1, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    town: str | None = Field(default=None, max_length=100)
    postcode: str | None = Field(default=None, max_length=10)
    from_date: date | None = None
    to_date: date | None = None
    # Held like a confidential record (Cathy fled violence in case 2): never shown to others.
    confidential: bool = False


class AddressCreate(AddressBase):
    @model_validator(mode="after")
    def _dates(self) -> "AddressCreate":
        if self.from_date and self.to_date and self.to_date < self.from_date:
            raise ValueError("to_date is before from_date")
        return self


class Address(AddressBase, table=True):
    id: uuid.UUID = id_field()
    person_id: uuid.UUID = Field(foreign_key="person.id", index=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    recorded_by: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    created_at: datetime = created_at_field()


class AddressPublic(AddressBase):
    id: uuid.UUID
    person_id: uuid.UUID
    created_at: datetime


class RelationshipKind(StrEnum):
    parent = "parent"
    step_parent = "step_parent"
    grandparent = "grandparent"
    partner = "partner"
    carer = "carer"
    sibling = "sibling"
    household_member = "household_member"
    other = "other"


class RelationshipBase(SQLModel):
    # person_id is the <kind> of related_person_id: "Angela is parent of Amy".
    person_id: uuid.UUID
    related_person_id: uuid.UUID
    kind: RelationshipKind = enum_field(RelationshipKind)
    parental_responsibility: bool = False
    from_date: date | None = None
    to_date: date | None = None


class RelationshipCreate(RelationshipBase):
    @model_validator(mode="after")
    def _sane(self) -> "RelationshipCreate":
        if self.person_id == self.related_person_id:
            raise ValueError("a person cannot be related to themselves")
        pr_kinds = {RelationshipKind.parent, RelationshipKind.step_parent, RelationshipKind.carer}
        pr_kinds |= {RelationshipKind.grandparent}
        if self.parental_responsibility and self.kind not in pr_kinds:
            raise ValueError(f"parental_responsibility does not fit kind {self.kind.value}")
        return self


class Relationship(RelationshipBase, table=True):
    id: uuid.UUID = id_field()
    person_id: uuid.UUID = Field(foreign_key="person.id", index=True)
    related_person_id: uuid.UUID = Field(foreign_key="person.id", index=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    recorded_by: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    version: int = version_field()
    created_at: datetime = created_at_field()


class RelationshipPublic(RelationshipBase):
    id: uuid.UUID
    version: int
    created_at: datetime


class FamilyMemberIn(SQLModel):
    person_id: uuid.UUID
    role: str | None = Field(default=None, max_length=60)


class FamilyCreate(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    members: list[FamilyMemberIn] = Field(default_factory=list, max_length=50)


class FamilyUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)


class Family(SQLModel, table=True):
    id: uuid.UUID = id_field()
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    name: str = Field(max_length=200)
    version: int = version_field()
    created_at: datetime = created_at_field()


class FamilyMember(SQLModel, table=True):
    __tablename__ = "family_member"
    family_id: uuid.UUID = Field(foreign_key="family.id", primary_key=True)
    person_id: uuid.UUID = Field(foreign_key="person.id", primary_key=True, index=True)
    role: str | None = Field(default=None, max_length=60)
    created_at: datetime = created_at_field()


class FamilyPublic(SQLModel):
    id: uuid.UUID
    name: str
    members: list[FamilyMemberIn]
    version: int
    created_at: datetime


class CompetenceStandard(StrEnum):
    gillick = "gillick"
    fraser = "fraser"


class CompetenceCreate(SQLModel):
    competent: bool
    standard: CompetenceStandard = enum_field(CompetenceStandard)
    assessed_on: date

    @field_validator("assessed_on")
    @classmethod
    def _plausible(cls, value: date) -> date:
        if value.year < 1900:
            raise ValueError("assessed_on is not a plausible date")
        return value

    notes: str | None = Field(default=None, max_length=2000)


class CompetenceAssessment(SQLModel, table=True):
    """A child's competence to consent, as assessed by a practitioner (Gillick/Fraser)."""

    __tablename__ = "competence_assessment"
    id: uuid.UUID = id_field()
    person_id: uuid.UUID = Field(foreign_key="person.id", index=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    assessed_by: uuid.UUID = Field(foreign_key="practitioner.id")
    competent: bool
    standard: CompetenceStandard = enum_field(CompetenceStandard)
    assessed_on: date
    notes: str | None = Field(default=None, max_length=2000)
    created_at: datetime = created_at_field()


class CompetencePublic(CompetenceCreate):
    id: uuid.UUID
    person_id: uuid.UUID
    assessed_by: uuid.UUID
    created_at: datetime


class InvolvementSource(StrEnum):
    registration = "registration"  # the agency registered the person, with a reason
    declared = "declared"
    referral = "referral"
    group_agenda = "group_agenda"
    follow_up = "follow_up"  # its monitor accepted a follow-up arrangement (case 8)


class Involvement(SQLModel, table=True):
    """An agency working with a person: the first kind of legitimate interest."""

    id: uuid.UUID = id_field()
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    person_id: uuid.UUID = Field(foreign_key="person.id", index=True)
    service_id: uuid.UUID | None = Field(default=None, foreign_key="agency_service.id")
    practitioner_id: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    source: InvolvementSource = enum_field(InvolvementSource)
    reason: str = Field(max_length=2000)
    started_at: datetime = created_at_field()
    ended_at: datetime | None = ts_field()
    end_reason: str | None = Field(default=None, max_length=2000)
    version: int = version_field()


class InvolvementPublic(SQLModel):
    id: uuid.UUID
    agency_id: uuid.UUID
    person_id: uuid.UUID
    service_id: uuid.UUID | None
    practitioner_id: uuid.UUID | None
    source: InvolvementSource
    reason: str
    started_at: datetime
    ended_at: datetime | None
    version: int
