"""Information requests ("contacts the housing office, the midwife and the health visitor to seek
any further information") and the shares that answer them."""

import uuid
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
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
from app.models.sharing import (
    Article6Basis,
    Article9Condition,
    Explained,
    LegalBasis,
    RecordPublic,
)
from app.policy import Category, Purpose


class RequestStatus(StrEnum):
    open = "open"
    answered = "answered"  # every holder has answered or declined
    closed = "closed"


class TargetStatus(StrEnum):
    pending = "pending"
    answered = "answered"
    declined = "declined"


class InformationRequestCreate(SQLModel):
    subject_person_id: uuid.UUID
    purpose: Purpose
    needed: str = Field(min_length=1, max_length=4000)  # what the requester needs, and why
    categories: list[Category] = Field(default_factory=list, max_length=20)
    due_by: date
    holders: list[uuid.UUID] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _future(self) -> "InformationRequestCreate":
        if self.due_by < date.today():
            raise ValueError("due_by is in the past")
        if len(set(self.holders)) != len(self.holders):
            raise ValueError("an agency is named twice in holders")
        return self


class InformationRequest(SQLModel, table=True):
    __tablename__ = "information_request"
    id: uuid.UUID = id_field()
    requester_agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    requester_practitioner_id: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    subject_person_id: uuid.UUID = Field(foreign_key="person.id", index=True)
    purpose: str = Field(max_length=40)
    needed: str = Field(sa_type=sa.Text)
    categories: list[str] = json_list_field()
    due_by: date
    status: str = enum_field(RequestStatus, default=RequestStatus.open)
    closed_at: datetime | None = ts_field()
    version: int = version_field()
    created_at: datetime = created_at_field()


class InformationRequestTarget(SQLModel, table=True):
    __tablename__ = "information_request_target"
    id: uuid.UUID = id_field()
    request_id: uuid.UUID = Field(foreign_key="information_request.id", index=True)
    holder_agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    status: str = enum_field(TargetStatus, default=TargetStatus.pending)
    answered_at: datetime | None = ts_field()
    answered_by: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    decision_id: uuid.UUID | None = Field(default=None, foreign_key="sharing_decision.id")
    note: str | None = Field(default=None, max_length=4000)


class TargetPublic(SQLModel):
    holder_agency_id: uuid.UUID
    status: TargetStatus
    answered_at: datetime | None
    decision_id: uuid.UUID | None
    note: str | None


class InformationRequestPublic(SQLModel):
    id: uuid.UUID
    requester_agency_id: uuid.UUID
    requester_practitioner_id: uuid.UUID | None
    subject_person_id: uuid.UUID
    purpose: Purpose
    needed: str
    categories: list[Category]
    due_by: date
    status: RequestStatus
    overdue: bool
    targets: list[TargetPublic]
    closed_at: datetime | None
    version: int
    created_at: datetime


class ShareWithoutConsent(Explained):
    """The holder's decision to share without consent, recorded with the answer."""

    legal_basis: LegalBasis
    reasons: str = Field(min_length=1, max_length=5000)
    consulted: list[str] = Field(default_factory=list, max_length=20)
    article6_basis: Article6Basis = Article6Basis.public_task
    article9_condition: Article9Condition | None = None


class AnswerShare(SQLModel):
    record_ids: list[uuid.UUID] = Field(min_length=1, max_length=100)
    for_practitioner_id: uuid.UUID | None = None  # whom it is for; they acknowledge it
    why: str = Field(min_length=1, max_length=2000)  # why this is sent
    action_expected: str = Field(min_length=1, max_length=2000)  # what the receiver should do
    without_consent: ShareWithoutConsent | None = None  # None: shared under a consent


class AnswerDecline(Explained):
    reasons: str = Field(min_length=1, max_length=5000)
    # By default the decision not to share ends when the request closes.
    outlasts_request: bool = False


class RequestAnswer(SQLModel):
    share: AnswerShare | None = None
    decline: AnswerDecline | None = None
    note: str | None = Field(default=None, max_length=4000)

    @model_validator(mode="after")
    def _one(self) -> "RequestAnswer":
        if (self.share is None) == (self.decline is None):
            raise ValueError("give exactly one of share and decline")
        return self


class Share(SQLModel, table=True):
    """A record pointed out to another agency, with why and what is expected: answering an
    information request, sent with a referral, or addressed by a decision to share to named
    practitioners. Its content is read through the policy every time, so a withdrawn basis
    stops it at once."""

    id: uuid.UUID = id_field()
    request_id: uuid.UUID | None = Field(default=None, foreign_key="information_request.id")
    referral_id: uuid.UUID | None = Field(default=None, foreign_key="referral.id")
    holder_agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    recipient_agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    for_practitioner_id: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    record_id: uuid.UUID = Field(foreign_key="record.id")
    subject_person_id: uuid.UUID = Field(foreign_key="person.id")
    purpose: str = Field(max_length=40)
    why: str = Field(max_length=2000)
    action_expected: str = Field(max_length=2000)
    decision_id: uuid.UUID | None = Field(default=None, foreign_key="sharing_decision.id")
    shared_by: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    acknowledged_at: datetime | None = ts_field()
    acknowledged_by: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    version: int = version_field()
    created_at: datetime = created_at_field()


class SharePublic(SQLModel):
    id: uuid.UUID
    request_id: uuid.UUID | None
    referral_id: uuid.UUID | None
    holder_agency_id: uuid.UUID
    recipient_agency_id: uuid.UUID
    for_practitioner_id: uuid.UUID | None
    record_id: uuid.UUID
    subject_person_id: uuid.UUID
    purpose: Purpose
    why: str
    action_expected: str
    # The holder's recorded decision to share without consent it went on, if any.
    decision_id: uuid.UUID | None
    acknowledged_at: datetime | None
    acknowledged_by: uuid.UUID | None
    version: int
    created_at: datetime
    record: RecordPublic | None = None  # read through the policy; None if no longer permitted
    withheld_reason: str | None = None
