"""Casework: referrals, declared involvements and the lead professional (lead practitioner)."""

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
    ts_field,
    version_field,
)
from app.policy import Purpose


class ReferralStatus(StrEnum):
    sent = "sent"
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"


class ReferralCreate(SQLModel):
    """One agency asks another agency, one of its services, or a multi-agency group to become
    involved with a person or family: why, and what it expects of the receiver."""

    to_agency_id: uuid.UUID | None = None
    to_service_id: uuid.UUID | None = None
    to_group_id: uuid.UUID | None = None
    subject_person_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    family_id: uuid.UUID | None = None
    purpose: Purpose
    reason: str = Field(min_length=1, max_length=4000)  # why it is sent
    action_expected: str = Field(min_length=1, max_length=2000)
    feedback_by: date
    # Records sent with the referral; each must have a basis for the receiver (the policy says).
    record_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _addressed(self) -> "ReferralCreate":
        if (self.to_agency_id is None) == (self.to_group_id is None):
            raise ValueError("give exactly one of to_agency_id and to_group_id")
        if self.to_service_id is not None and self.to_agency_id is None:
            raise ValueError("to_service_id needs to_agency_id")
        if not self.subject_person_ids and self.family_id is None:
            raise ValueError("name the people (subject_person_ids) or the family (family_id)")
        if self.record_ids and self.to_group_id is not None:
            raise ValueError("records go to an agency; refer to the group's chair to share them")
        return self


class Referral(SQLModel, table=True):
    id: uuid.UUID = id_field()
    from_agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    from_practitioner_id: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    to_agency_id: uuid.UUID | None = Field(default=None, foreign_key="agency.id", index=True)
    to_service_id: uuid.UUID | None = Field(default=None, foreign_key="agency_service.id")
    to_group_id: uuid.UUID | None = Field(default=None, foreign_key="agency_group.id", index=True)
    family_id: uuid.UUID | None = Field(default=None, foreign_key="family.id")
    purpose: str = Field(max_length=40)
    reason: str = Field(max_length=4000)
    action_expected: str = Field(max_length=2000)
    feedback_by: date
    status: str = enum_field(ReferralStatus, default=ReferralStatus.sent)
    # A child whose involvement with the receiver closed in the last 12 months.
    re_referral: bool = False
    acknowledged_at: datetime | None = ts_field()
    acknowledged_by: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    answered_at: datetime | None = ts_field()
    answered_by: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    decline_reason: str | None = Field(default=None, max_length=4000)
    version: int = version_field()
    created_at: datetime = created_at_field()


class ReferralSubject(SQLModel, table=True):
    __tablename__ = "referral_subject"
    referral_id: uuid.UUID = Field(foreign_key="referral.id", primary_key=True)
    person_id: uuid.UUID = Field(foreign_key="person.id", primary_key=True, index=True)


class ReferralPublic(SQLModel):
    id: uuid.UUID
    from_agency_id: uuid.UUID
    from_practitioner_id: uuid.UUID | None
    to_agency_id: uuid.UUID | None
    to_service_id: uuid.UUID | None
    to_group_id: uuid.UUID | None
    family_id: uuid.UUID | None
    subject_person_ids: list[uuid.UUID]
    purpose: Purpose
    reason: str
    action_expected: str
    feedback_by: date
    status: ReferralStatus
    overdue: bool  # unanswered past its feedback date
    re_referral: bool
    acknowledged_at: datetime | None
    answered_at: datetime | None
    decline_reason: str | None
    share_ids: list[uuid.UUID]
    version: int
    created_at: datetime


class ReferralDecline(SQLModel):
    reason: str = Field(min_length=1, max_length=4000)


class InvolvementDeclare(SQLModel):
    """An involvement an agency declares itself: it needs a reason, is audited, and is shown to
    the lead professional. Interest cannot be claimed silently."""

    reason: str = Field(min_length=1, max_length=2000)
    service_id: uuid.UUID | None = None
    practitioner_id: uuid.UUID | None = None


class LeadAssign(SQLModel):
    practitioner_id: uuid.UUID
    # The family's agreement (case 9, case 10): who agreed, when.
    agreed_by: list[uuid.UUID] = Field(min_length=1, max_length=5)
    agreed_on: date
    reason: str = Field(min_length=1, max_length=2000)  # also ends the previous assignment


class LeadProfessional(SQLModel, table=True):
    """One active lead professional per child; assigning a new one ends the old with a reason."""

    __tablename__ = "lead_professional"
    id: uuid.UUID = id_field()
    person_id: uuid.UUID = Field(foreign_key="person.id", index=True)
    practitioner_id: uuid.UUID = Field(foreign_key="practitioner.id")
    agency_id: uuid.UUID = Field(foreign_key="agency.id")
    assigned_by_agency_id: uuid.UUID = Field(foreign_key="agency.id")
    agreed_by: list[str] = json_list_field()
    agreed_on: date
    reason: str = Field(max_length=2000)
    started_at: datetime = created_at_field()
    ended_at: datetime | None = ts_field()
    end_reason: str | None = Field(default=None, max_length=2000)


class ContactCard(SQLModel):
    """Contact details only, never case content."""

    agency_id: uuid.UUID
    agency_name: str
    practitioner_id: uuid.UUID | None
    practitioner_name: str | None
    job_title: str | None
    email: str | None
    phone: str | None


class IndexInvolvement(ContactCard):
    since: datetime
    source: str


class IndexEntry(SQLModel):
    """The involvement index for a child (what ContactPoint did in the cases)."""

    person_id: uuid.UUID
    involvements: list[IndexInvolvement]
    lead_professional: ContactCard | None
    lead_since: datetime | None
    early_help_assessment: "CafInIndex | None" = None


class LeadInHistory(ContactCard):
    """A lead professional the child has had: who, from when, until when (None: still lead)."""

    since: datetime
    until: datetime | None


class LeadPublic(SQLModel):
    id: uuid.UUID
    person_id: uuid.UUID
    practitioner_id: uuid.UUID
    agency_id: uuid.UUID
    agreed_by: list[uuid.UUID]
    agreed_on: date
    reason: str
    started_at: datetime


class CafStatus(StrEnum):
    proposed = "proposed"
    consent_sought = "consent_sought"
    consent_refused = "consent_refused"
    in_progress = "in_progress"
    completed = "completed"
    closed = "closed"


# The early help assessment's lifecycle (DOMAIN.md): a refusal can be revisited.
CAF_TRANSITIONS: dict[CafStatus, frozenset[CafStatus]] = {
    CafStatus.proposed: frozenset({CafStatus.consent_sought}),
    CafStatus.consent_sought: frozenset({CafStatus.consent_refused, CafStatus.in_progress}),
    CafStatus.consent_refused: frozenset({CafStatus.consent_sought}),
    CafStatus.in_progress: frozenset({CafStatus.completed}),
    CafStatus.completed: frozenset({CafStatus.closed}),
    CafStatus.closed: frozenset(),
}


class CafCreate(SQLModel):
    child_id: uuid.UUID
    note: str | None = Field(default=None, max_length=2000)


class CafTransition(SQLModel):
    to: CafStatus
    note: str | None = Field(default=None, max_length=2000)
    strengths: str | None = Field(default=None, max_length=10_000)
    needs: str | None = Field(default=None, max_length=10_000)
    completed_with: list[str] = Field(default_factory=list, max_length=20)  # who took part


class EarlyHelpAssessment(SQLModel, table=True):
    """The Common Assessment Framework (now "early help assessment"), done with the family and
    needing their consent. Its content is the holder's; the index shows only that it exists."""

    __tablename__ = "early_help_assessment"
    id: uuid.UUID = id_field()
    child_id: uuid.UUID = Field(foreign_key="person.id", index=True)
    holder_agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    practitioner_id: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    status: str = enum_field(CafStatus, default=CafStatus.proposed)
    strengths: str | None = Field(default=None, max_length=10_000)
    needs: str | None = Field(default=None, max_length=10_000)
    completed_with: list[str] = json_list_field()
    note: str | None = Field(default=None, max_length=2000)
    completed_at: datetime | None = ts_field()
    version: int = version_field()
    created_at: datetime = created_at_field()


class CafPublic(SQLModel):
    id: uuid.UUID
    child_id: uuid.UUID
    holder_agency_id: uuid.UUID
    practitioner_id: uuid.UUID | None
    status: CafStatus
    strengths: str | None
    needs: str | None
    completed_with: list[str]
    note: str | None
    completed_at: datetime | None
    version: int
    created_at: datetime


class CafInIndex(ContactCard):
    id: uuid.UUID  # GET /early-help-assessments/{id} gives its content where the policy permits
    status: CafStatus


class ChildStatusKind(StrEnum):
    child_in_need = "child_in_need"
    child_protection_plan = "child_protection_plan"
    looked_after = "looked_after"


class ChildStatusCreate(SQLModel):
    status: ChildStatusKind
    start_date: date
    end_date: date | None = None
    social_worker_id: uuid.UUID

    @model_validator(mode="after")
    def _dates(self) -> "ChildStatusCreate":
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class ChildStatus(SQLModel, table=True):
    """A child's status as social care records it (as CP-IS shows it): the status and the social
    worker's contact go to any agency with interest; the content behind them follows the rules."""

    __tablename__ = "child_status"
    id: uuid.UUID = id_field()
    person_id: uuid.UUID = Field(foreign_key="person.id", index=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id")
    status: str = enum_field(ChildStatusKind)
    start_date: date
    end_date: date | None = None
    social_worker_id: uuid.UUID = Field(foreign_key="practitioner.id")
    # Ended by the recording agency: no longer current from then on, whatever end_date says.
    ended_at: datetime | None = ts_field()
    ended_by: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    end_reason: str | None = Field(default=None, max_length=2000)
    version: int = version_field()
    created_at: datetime = created_at_field()


class ChildStatusEnd(SQLModel):
    """Social care ends a current status (the plan ends, the child is no longer looked after)."""

    end_date: date | None = None  # default: today; not in the future, not before the start
    reason: str = Field(min_length=1, max_length=2000)


class ChildStatusPublic(SQLModel):
    id: uuid.UUID
    status: ChildStatusKind
    start_date: date
    end_date: date | None
    current: bool
    ended_at: datetime | None
    # Why it ended is the recording agency's (content): other agencies see only that it ended.
    end_reason: str | None
    social_worker: ContactCard
    version: int


IndexEntry.model_rebuild()


class AccessRecord(SQLModel):
    """A look-up of a child by another agency, as CP-IS shows them to the status holder."""

    at: datetime
    action: str
    purpose: str | None
    agency_id: uuid.UUID
    agency_name: str
    practitioner_name: str | None
