"""Action plans, reviews, and the follow-up arrangement that ends an involvement (case 8)."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import model_validator
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, enum_field, id_field, ts_field, version_field


class ActionStatus(StrEnum):
    open = "open"
    in_progress = "in_progress"
    done = "done"
    cancelled = "cancelled"


ACTION_TRANSITIONS: dict[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.open: frozenset(
        {ActionStatus.in_progress, ActionStatus.done, ActionStatus.cancelled}
    ),
    ActionStatus.in_progress: frozenset({ActionStatus.done, ActionStatus.cancelled}),
    ActionStatus.done: frozenset(),
    ActionStatus.cancelled: frozenset(),
}


class _About(SQLModel):
    child_id: uuid.UUID | None = None
    family_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _one(self) -> "_About":
        if (self.child_id is None) == (self.family_id is None):
            raise ValueError("give exactly one of child_id and family_id")
        return self


class ActionCreate(_About):
    plan: str = Field(min_length=1, max_length=120)  # "child in need plan", "joint plan", ...
    # A group's action (the JAG's plan): recorded by a current member about someone on the
    # group's agenda, and readable by the group's current members.
    group_id: uuid.UUID | None = None
    # An action agreed at a case conference: the caller's agency and the owner's agency attend
    # it, and the action is about someone on its agenda.
    conference_id: uuid.UUID | None = None
    description: str = Field(min_length=1, max_length=2000)
    owner_agency_id: uuid.UUID | None = None  # default: your agency
    owner_practitioner_id: uuid.UUID | None = None
    due_on: date


class ActionTransition(SQLModel):
    to: ActionStatus
    outcome: str | None = Field(default=None, max_length=4000)  # required for done
    reason: str | None = Field(default=None, max_length=2000)  # required for cancelled


class Action(SQLModel, table=True):
    id: uuid.UUID = id_field()
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)  # recorded by
    child_id: uuid.UUID | None = Field(default=None, foreign_key="person.id", index=True)
    family_id: uuid.UUID | None = Field(default=None, foreign_key="family.id")
    group_id: uuid.UUID | None = Field(default=None, foreign_key="agency_group.id", index=True)
    conference_id: uuid.UUID | None = Field(default=None, foreign_key="conference.id", index=True)
    plan: str = Field(max_length=120)
    description: str = Field(max_length=2000)
    owner_agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    owner_practitioner_id: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    due_on: date
    status: str = enum_field(ActionStatus, default=ActionStatus.open)
    outcome: str | None = Field(default=None, max_length=4000)
    cancel_reason: str | None = Field(default=None, max_length=2000)
    version: int = version_field()
    created_at: datetime = created_at_field()


class ActionPublic(SQLModel):
    id: uuid.UUID
    agency_id: uuid.UUID
    child_id: uuid.UUID | None
    family_id: uuid.UUID | None
    group_id: uuid.UUID | None
    conference_id: uuid.UUID | None
    plan: str
    description: str
    owner_agency_id: uuid.UUID
    owner_practitioner_id: uuid.UUID | None
    due_on: date
    status: ActionStatus
    overdue: bool
    outcome: str | None
    cancel_reason: str | None
    version: int
    created_at: datetime


class ReviewStatus(StrEnum):
    scheduled = "scheduled"
    done = "done"
    missed = "missed"


class ReviewCreate(_About):
    what: str = Field(min_length=1, max_length=2000)  # "fortnightly monitoring with the school"
    due_on: date
    # One of your agency's practitioners; for a group's review, one of a member agency's.
    responsible_practitioner_id: uuid.UUID
    # A group's review (the JAG reviews progress at its next meeting): scheduled by a current
    # member about someone on the group's agenda, read by the group's current members.
    group_id: uuid.UUID | None = None
    # A joint review (case 3: the health visitor and the school): practitioners of other agencies
    # with a legitimate interest in the child (or one of the family) who share the review; each
    # one's agency reads it.
    participant_practitioner_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    recurrence_days: int | None = Field(default=None, ge=1, le=366)  # fortnightly: 14


class ReviewOutcome(SQLModel):
    to: ReviewStatus
    outcome: str | None = Field(default=None, max_length=4000)  # required for done


class Review(SQLModel, table=True):
    id: uuid.UUID = id_field()
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    child_id: uuid.UUID | None = Field(default=None, foreign_key="person.id", index=True)
    family_id: uuid.UUID | None = Field(default=None, foreign_key="family.id")
    group_id: uuid.UUID | None = Field(default=None, foreign_key="agency_group.id", index=True)
    what: str = Field(max_length=2000)
    due_on: date
    responsible_practitioner_id: uuid.UUID = Field(foreign_key="practitioner.id")
    recurrence_days: int | None = None
    status: str = enum_field(ReviewStatus, default=ReviewStatus.scheduled)
    outcome: str | None = Field(default=None, max_length=4000)
    done_at: datetime | None = ts_field()
    follow_up_id: uuid.UUID | None = Field(default=None, foreign_key="follow_up.id")
    version: int = version_field()
    created_at: datetime = created_at_field()


class ReviewParticipant(SQLModel, table=True):
    """A practitioner who shares a joint review; their agency may read it."""

    __tablename__ = "review_participant"
    review_id: uuid.UUID = Field(foreign_key="review.id", primary_key=True)
    practitioner_id: uuid.UUID = Field(foreign_key="practitioner.id", primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)


class ReviewParticipantPublic(SQLModel):
    practitioner_id: uuid.UUID
    agency_id: uuid.UUID


class ReviewPublic(SQLModel):
    id: uuid.UUID
    agency_id: uuid.UUID
    child_id: uuid.UUID | None
    family_id: uuid.UUID | None
    group_id: uuid.UUID | None
    what: str
    due_on: date
    responsible_practitioner_id: uuid.UUID
    participants: list[ReviewParticipantPublic] = Field(default_factory=list)
    recurrence_days: int | None
    status: ReviewStatus
    overdue: bool
    outcome: str | None
    done_at: datetime | None
    follow_up_id: uuid.UUID | None
    next_review_id: uuid.UUID | None = None
    version: int
    created_at: datetime


class FollowUpIn(SQLModel):
    monitor_practitioner_id: uuid.UUID  # who will watch; they must accept it
    review_on: date
    what: str = Field(min_length=1, max_length=2000)


class InvolvementEnd(SQLModel):
    reason: str = Field(min_length=1, max_length=2000)
    # The caller's word can only add concerns: the server also derives whether concerns remain
    # from what it holds (services/plans.py::concerns_known), and `false` does not override that.
    concerns_remain: bool
    follow_up: FollowUpIn | None = None


class FollowUp(SQLModel, table=True):
    """What case 8 lacked: a named monitor who accepts, owns a dated review, and records failed
    contacts; if the review goes overdue, whoever ended the involvement is alerted."""

    __tablename__ = "follow_up"
    id: uuid.UUID = id_field()
    involvement_id: uuid.UUID = Field(foreign_key="involvement.id", unique=True)
    person_id: uuid.UUID = Field(foreign_key="person.id", index=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id")
    ended_by: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id", index=True)
    monitor_practitioner_id: uuid.UUID = Field(foreign_key="practitioner.id", index=True)
    accepted_at: datetime | None = ts_field()
    version: int = version_field()
    created_at: datetime = created_at_field()


class FailedContact(SQLModel, table=True):
    __tablename__ = "failed_contact"
    id: uuid.UUID = id_field()
    follow_up_id: uuid.UUID = Field(foreign_key="follow_up.id", index=True)
    attempted_at: datetime = created_at_field()
    note: str = Field(max_length=2000)
    recorded_by: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")


class FailedContactIn(SQLModel):
    note: str = Field(min_length=1, max_length=2000)


class FollowUpPublic(SQLModel):
    id: uuid.UUID
    involvement_id: uuid.UUID
    person_id: uuid.UUID
    agency_id: uuid.UUID
    ended_by: uuid.UUID | None
    monitor_practitioner_id: uuid.UUID
    accepted_at: datetime | None
    review: ReviewPublic
    failed_contacts: int
    version: int
    created_at: datetime


class Alert(SQLModel):
    """A notification for a practitioner (derived: nothing to acknowledge yet)."""

    kind: str
    object_type: str
    object_id: uuid.UUID
    person_id: uuid.UUID | None
    text: str
    since: date


class ConcernSource(StrEnum):
    practitioner = "practitioner"
    family = "family"  # the wider family
    neighbour = "neighbour"
    anonymous = "anonymous"
    other = "other"


class ConcernCreate(SQLModel):
    """An agency raises a concern about a child; agencies involved with the child are alerted."""

    child_id: uuid.UUID
    summary: str = Field(min_length=1, max_length=500)
    detail: str | None = Field(default=None, max_length=10_000)
    source: ConcernSource
    source_description: str | None = Field(default=None, max_length=500)  # "a neighbour"


class Concern(SQLModel, table=True):
    """The concern's content is a record of the raising agency: it is shared under the policy;
    the alert to others carries only who to contact."""

    id: uuid.UUID = id_field()
    child_id: uuid.UUID = Field(foreign_key="person.id", index=True)
    record_id: uuid.UUID = Field(foreign_key="record.id")
    agency_id: uuid.UUID = Field(foreign_key="agency.id")
    raised_by: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    source: str = enum_field(ConcernSource)
    source_description: str | None = Field(default=None, max_length=500)
    created_at: datetime = created_at_field()


class ConcernPublic(SQLModel):
    id: uuid.UUID
    child_id: uuid.UUID
    record_id: uuid.UUID
    agency_id: uuid.UUID
    source: ConcernSource
    source_description: str | None
    created_at: datetime
