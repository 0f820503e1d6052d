"""Case conferences and meetings: a JAG's monthly meeting, a team around the family, a child in
need review. Each attending agency fetches its own pack, computed under the policy for it."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import model_validator
from sqlmodel import Field, SQLModel

from app.models.base import (
    created_at_field,
    enum_field,
    id_field,
    json_list_field,
    version_field,
)
from app.models.sharing import SharedSummary
from app.policy import Purpose


class ConferenceKind(StrEnum):
    group_meeting = "group_meeting"  # a JAG's monthly meeting
    team_around_the_family = "team_around_the_family"
    child_in_need_review = "child_in_need_review"
    child_protection_conference = "child_protection_conference"
    other = "other"


class ConferenceCreate(SQLModel):
    kind: ConferenceKind
    title: str = Field(min_length=1, max_length=200)
    held_on: date
    purpose: Purpose
    group_id: uuid.UUID | None = None  # a group's meeting puts its agenda within the group's work
    chair_practitioner_id: uuid.UUID
    attending_agency_ids: list[uuid.UUID] = Field(min_length=1, max_length=40)
    subject_person_ids: list[uuid.UUID] = Field(default_factory=list, max_length=60)
    family_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    family_attendees: list[str] = Field(default_factory=list, max_length=20)  # names, as minuted
    # Practitioners who attend, each of an attending agency (more may be recorded later).
    attendee_practitioner_ids: list[uuid.UUID] = Field(default_factory=list, max_length=60)

    @model_validator(mode="after")
    def _agenda(self) -> "ConferenceCreate":
        if not self.subject_person_ids and not self.family_ids:
            raise ValueError("put at least one person or family on the agenda")
        return self


class Conference(SQLModel, table=True):
    id: uuid.UUID = id_field()
    kind: str = enum_field(ConferenceKind)
    title: str = Field(max_length=200)
    held_on: date
    purpose: str = Field(max_length=40)
    group_id: uuid.UUID | None = Field(default=None, foreign_key="agency_group.id")
    organiser_agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    chair_practitioner_id: uuid.UUID = Field(foreign_key="practitioner.id")
    family_attendees: list[str] = json_list_field()
    version: int = version_field()
    created_at: datetime = created_at_field()


class ConferenceAgency(SQLModel, table=True):
    __tablename__ = "conference_agency"
    conference_id: uuid.UUID = Field(foreign_key="conference.id", primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", primary_key=True, index=True)


class ConferenceSubject(SQLModel, table=True):
    __tablename__ = "conference_subject"
    conference_id: uuid.UUID = Field(foreign_key="conference.id", primary_key=True)
    person_id: uuid.UUID = Field(foreign_key="person.id", primary_key=True, index=True)


class ConferenceAttendee(SQLModel, table=True):
    """A practitioner who attended, of one of the attending agencies."""

    __tablename__ = "conference_attendee"
    conference_id: uuid.UUID = Field(foreign_key="conference.id", primary_key=True)
    practitioner_id: uuid.UUID = Field(foreign_key="practitioner.id", primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    recorded_by: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    created_at: datetime = created_at_field()


class ConferenceAttendanceIn(SQLModel):
    """Practitioners who attended: the organiser's agency records any attending agency's;
    another attending agency records its own. One already recorded is recorded once."""

    practitioner_ids: list[uuid.UUID] = Field(min_length=1, max_length=60)


class ConferenceAttendeePublic(SQLModel):
    practitioner_id: uuid.UUID
    agency_id: uuid.UUID


class NoteKind(StrEnum):
    contribution = "contribution"  # an agency's contribution
    decision = "decision"


class ConferenceNoteIn(SQLModel):
    kind: NoteKind
    text: str = Field(min_length=1, max_length=4000)


class ConferenceNote(SQLModel, table=True):
    __tablename__ = "conference_note"
    id: uuid.UUID = id_field()
    conference_id: uuid.UUID = Field(foreign_key="conference.id", index=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id")
    kind: str = enum_field(NoteKind)
    text: str = Field(max_length=4000)
    recorded_by: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    created_at: datetime = created_at_field()


class ConferenceNotePublic(SQLModel):
    id: uuid.UUID
    agency_id: uuid.UUID
    kind: NoteKind
    text: str
    created_at: datetime


class ConferencePublic(SQLModel):
    id: uuid.UUID
    kind: ConferenceKind
    title: str
    held_on: date
    purpose: Purpose
    group_id: uuid.UUID | None
    organiser_agency_id: uuid.UUID
    chair_practitioner_id: uuid.UUID
    attending_agency_ids: list[uuid.UUID]
    attendees: list[ConferenceAttendeePublic]  # practitioners
    subject_person_ids: list[uuid.UUID]
    family_attendees: list[str]
    notes: list[ConferenceNotePublic]
    # The actions agreed at the conference that your agency may see (it recorded or owns them,
    # or they are the plan of a group it is a member of).
    action_ids: list[uuid.UUID]
    version: int
    created_at: datetime


class PackEntry(SQLModel):
    person_id: uuid.UUID
    summary: SharedSummary | None  # None: your agency has no interest in this person
    note: str | None = None


class ConferencePack(SQLModel):
    """One attending agency's pack: what the policy lets that agency see, and nothing else."""

    conference_id: uuid.UUID
    agency_id: uuid.UUID
    purpose: Purpose
    entries: list[PackEntry]
