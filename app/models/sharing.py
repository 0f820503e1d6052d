"""Records, consents, sharing decisions, multi-agency groups and the disclosure log."""

import uuid
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from pydantic import model_validator
from sqlmodel import Field, SQLModel

from app.models.base import (
    RequestDatetime,
    created_at_field,
    enum_field,
    id_field,
    json_list_field,
    ts_field,
    version_field,
)
from app.policy import Category, Level, Purpose

# --- lawful bases, recorded with every decision and disclosure ---


class LegalBasis(StrEnum):
    """Why a holder may share without consent (or records not sharing)."""

    public_interest = "public_interest"
    risk_of_significant_harm = "risk_of_significant_harm"
    children_act_s17 = "children_act_s17"
    children_act_s47 = "children_act_s47"
    crime_and_disorder_act_s115 = "crime_and_disorder_act_s115"
    court_order = "court_order"
    vital_interests = "vital_interests"
    uk_gdpr_safeguarding_condition = "uk_gdpr_safeguarding_condition"


class Article6Basis(StrEnum):
    """UK GDPR Article 6(1): the lawful basis for processing."""

    consent = "consent"
    contract = "contract"
    legal_obligation = "legal_obligation"
    vital_interests = "vital_interests"
    public_task = "public_task"
    legitimate_interests = "legitimate_interests"


class Article9Condition(StrEnum):
    """UK GDPR Article 9(2) / DPA 2018 Schedule 1 condition for special category data."""

    explicit_consent = "explicit_consent"
    vital_interests = "vital_interests"
    health_or_social_care = "health_or_social_care"
    safeguarding_children_and_individuals_at_risk = "safeguarding_children_and_individuals_at_risk"
    preventing_or_detecting_unlawful_acts = "preventing_or_detecting_unlawful_acts"
    statutory_and_government_purposes = "statutory_and_government_purposes"
    legal_claims_or_judicial_acts = "legal_claims_or_judicial_acts"


# --- records ---


class RecordCreate(SQLModel):
    subject_person_id: uuid.UUID
    category: Category
    # As entered; special categories are special whatever is entered here.
    level: Level
    summary: str = Field(min_length=1, max_length=500)
    detail: str | None = Field(default=None, max_length=10_000)
    occurred_on: date
    source_practitioner_id: uuid.UUID | None = None
    cites: list[uuid.UUID] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _not_future(self) -> "RecordCreate":
        if self.occurred_on > date.today():
            raise ValueError("occurred_on is in the future")
        return self


class RecordCorrection(SQLModel):
    summary: str = Field(min_length=1, max_length=500)
    detail: str | None = Field(default=None, max_length=10_000)
    category: Category | None = None
    level: Level | None = None
    occurred_on: date | None = None
    reason: str = Field(min_length=1, max_length=2000)


class Record(SQLModel, table=True):
    """One item of information one agency (the holder) holds about one person. Never deleted:
    a correction supersedes it."""

    id: uuid.UUID = id_field()
    holder_agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    subject_person_id: uuid.UUID = Field(foreign_key="person.id", index=True)
    category: str = Field(max_length=40)
    level_entered: str = Field(max_length=20)
    level: str = Field(max_length=20)  # effective: see app.policy.effective_level
    summary: str = Field(max_length=500)
    detail: str | None = Field(default=None, sa_type=sa.Text)
    occurred_on: date
    source_practitioner_id: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    recorded_by: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    supersedes_id: uuid.UUID | None = Field(default=None, foreign_key="record.id", unique=True)
    correction_reason: str | None = Field(default=None, max_length=2000)
    created_at: datetime = created_at_field()


class RecordCitation(SQLModel, table=True):
    __tablename__ = "record_citation"
    record_id: uuid.UUID = Field(foreign_key="record.id", primary_key=True)
    cited_record_id: uuid.UUID = Field(foreign_key="record.id", primary_key=True, index=True)


class ReachedBy(SQLModel):
    """How a record reached a reader from another agency."""

    basis: str
    basis_id: uuid.UUID | None
    purpose: str


class RecordPublic(SQLModel):
    id: uuid.UUID
    holder_agency_id: uuid.UUID
    subject_person_id: uuid.UUID
    category: Category
    level: Level
    summary: str
    detail: str | None
    occurred_on: date
    source_practitioner_id: uuid.UUID | None
    supersedes_id: uuid.UUID | None
    correction_reason: str | None
    cites: list[uuid.UUID]  # only the cited records the reader may see
    created_at: datetime
    shared: ReachedBy | None = None  # None: the reader's own record


class WithheldCount(SQLModel):
    reason: str
    count: int


class SharedSummary(SQLModel):
    person_id: uuid.UUID
    purpose: Purpose
    generated_at: datetime
    policy_version: str
    records: list[RecordPublic]
    withheld: list[WithheldCount]


class ChronologyEntry(RecordPublic):
    relationship_to_child: str  # "child", or how the subject relates to the child


class Chronology(SQLModel):
    child_id: uuid.UUID
    purpose: Purpose
    generated_at: datetime
    policy_version: str
    entries: list[ChronologyEntry]
    withheld: list[WithheldCount]


# --- consents ---


class ConsentDecision(StrEnum):
    granted = "granted"
    refused = "refused"


class ConsentForm(StrEnum):
    verbal = "verbal"
    written = "written"
    signed_statement = "signed_statement"


class ConsentCreate(SQLModel):
    decision: ConsentDecision
    # Whose information it covers, and who gave it; each subject needs an entitled giver.
    subjects: list[uuid.UUID] = Field(min_length=1, max_length=20)
    given_by: list[uuid.UUID] = Field(min_length=1, max_length=5)
    form: ConsentForm
    given_at: RequestDatetime | None = None  # default: now
    holders: list[uuid.UUID] = Field(default_factory=list, max_length=50)  # default: your agency
    holder_groups: list[uuid.UUID] = Field(default_factory=list, max_length=10)
    recipients: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    recipient_groups: list[uuid.UUID] = Field(default_factory=list, max_length=10)
    purposes: list[Purpose] = Field(min_length=1, max_length=10)
    categories: list[Category] = Field(default_factory=list, max_length=20)
    expires_at: RequestDatetime | None = None
    show_involvement: bool = False
    article6_basis: Article6Basis = Article6Basis.public_task
    article9_condition: Article9Condition | None = Article9Condition.explicit_consent
    notes: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _scope(self) -> "ConsentCreate":
        if not self.recipients and not self.recipient_groups:
            raise ValueError("name at least one recipient agency or group")
        return self


class ConsentWithdraw(SQLModel):
    reason: str = Field(min_length=1, max_length=2000)


class ConsentStatement(SQLModel, table=True):
    __tablename__ = "consent_statement"
    id: uuid.UUID = id_field()
    decision: str = enum_field(ConsentDecision)
    form: str = enum_field(ConsentForm)
    given_at: datetime = ts_field(nullable=False)
    recorded_by_agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    recorded_by: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    holders: list[str] = json_list_field()
    holder_groups: list[str] = json_list_field()
    recipients: list[str] = json_list_field()
    recipient_groups: list[str] = json_list_field()
    purposes: list[str] = json_list_field()
    categories: list[str] = json_list_field()
    expires_at: datetime | None = ts_field()
    withdrawn_at: datetime | None = ts_field()
    withdrawn_reason: str | None = Field(default=None, max_length=2000)
    show_involvement: bool = False
    article6_basis: str = Field(max_length=40)
    article9_condition: str | None = Field(default=None, max_length=60)
    notes: str | None = Field(default=None, max_length=2000)
    version: int = version_field()
    created_at: datetime = created_at_field()


class ConsentSubject(SQLModel, table=True):
    """A subject of a statement, with each signer entitled to speak for them."""

    __tablename__ = "consent_subject"
    statement_id: uuid.UUID = Field(foreign_key="consent_statement.id", primary_key=True)
    subject_person_id: uuid.UUID = Field(foreign_key="person.id", primary_key=True, index=True)
    given_by_person_id: uuid.UUID = Field(foreign_key="person.id", primary_key=True)


class ConsentSubjectPublic(SQLModel):
    subject_person_id: uuid.UUID
    given_by_person_id: uuid.UUID


class ConsentPublic(SQLModel):
    id: uuid.UUID
    decision: ConsentDecision
    form: ConsentForm
    given_at: datetime
    subjects: list[ConsentSubjectPublic]
    recorded_by_agency_id: uuid.UUID
    recorded_by: uuid.UUID | None
    holders: list[uuid.UUID]
    holder_groups: list[uuid.UUID]
    recipients: list[uuid.UUID]
    recipient_groups: list[uuid.UUID]
    purposes: list[Purpose]
    categories: list[Category]
    expires_at: datetime | None
    withdrawn_at: datetime | None
    withdrawn_reason: str | None
    show_involvement: bool
    article6_basis: Article6Basis
    article9_condition: Article9Condition | None
    notes: str | None
    status: str  # active | withdrawn | expired (refusals: active until superseded)
    version: int
    created_at: datetime


# --- sharing decisions ---


class DecisionKind(StrEnum):
    share = "share"  # share without consent
    not_share = "not_share"


class Explained(SQLModel):
    """Golden rule 7: say whether consent was sought and the person told, and if not, why."""

    consent_sought: bool
    consent_not_sought_reason: str | None = Field(default=None, max_length=2000)
    subject_told: bool
    not_told_reason: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _explained(self) -> "Explained":
        if not self.consent_sought and not self.consent_not_sought_reason:
            raise ValueError("say why consent was not sought (consent_not_sought_reason)")
        if not self.subject_told and not self.not_told_reason:
            raise ValueError("say why the person was not told (not_told_reason)")
        return self


class SharingDecisionCreate(Explained):
    kind: DecisionKind
    subject_person_id: uuid.UUID
    recipients: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    recipient_groups: list[uuid.UUID] = Field(default_factory=list, max_length=10)
    purposes: list[Purpose] = Field(min_length=1, max_length=10)
    categories: list[Category] = Field(default_factory=list, max_length=20)
    record_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    legal_basis: LegalBasis | None = None
    reasons: str = Field(min_length=1, max_length=5000)
    decided_by: uuid.UUID | None = None  # default: the caller
    consulted: list[str] = Field(default_factory=list, max_length=20)
    expires_at: RequestDatetime | None = None
    article6_basis: Article6Basis = Article6Basis.public_task
    article9_condition: Article9Condition | None = None
    # Named practitioners of the recipient agencies (case 10: the lead professional and nobody
    # else): each named record reaches their inbox as a share addressed to them, which only they
    # acknowledge (GET /shares?for_me=true, POST /shares/{id}/acknowledgement).
    recipient_practitioners: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    # What the named practitioners are expected to do with it (with them: required).
    action_expected: str | None = Field(default=None, min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _complete(self) -> "SharingDecisionCreate":
        if not self.recipients and not self.recipient_groups:
            raise ValueError("name at least one recipient agency or group")
        if self.kind == DecisionKind.share and self.legal_basis is None:
            raise ValueError("a decision to share needs a legal_basis")
        if self.recipient_practitioners:
            if self.kind != DecisionKind.share:
                raise ValueError("only a decision to share names recipient practitioners")
            if not self.record_ids:
                raise ValueError("name the records (record_ids) the named practitioners receive")
            if self.action_expected is None:
                raise ValueError("say what the named practitioners should do (action_expected)")
            if len(set(self.recipient_practitioners)) != len(self.recipient_practitioners):
                raise ValueError("a practitioner is named twice in recipient_practitioners")
        return self


class SharingDecision(SQLModel, table=True):
    __tablename__ = "sharing_decision"
    id: uuid.UUID = id_field()
    kind: str = enum_field(DecisionKind)
    holder_agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    subject_person_id: uuid.UUID = Field(foreign_key="person.id", index=True)
    recipients: list[str] = json_list_field()
    recipient_groups: list[str] = json_list_field()
    purposes: list[str] = json_list_field()
    categories: list[str] = json_list_field()
    record_ids: list[str] = json_list_field()
    legal_basis: str | None = Field(default=None, max_length=40)
    reasons: str = Field(sa_type=sa.Text)
    consent_sought: bool
    consent_not_sought_reason: str | None = Field(default=None, max_length=2000)
    subject_told: bool
    not_told_reason: str | None = Field(default=None, max_length=2000)
    decided_by: uuid.UUID = Field(foreign_key="practitioner.id")
    consulted: list[str] = json_list_field()
    decided_at: datetime = created_at_field()
    expires_at: datetime | None = ts_field()
    ended_at: datetime | None = ts_field()
    end_reason: str | None = Field(default=None, max_length=2000)
    article6_basis: str = Field(max_length=40)
    article9_condition: str | None = Field(default=None, max_length=60)
    information_request_id: uuid.UUID | None = Field(default=None, index=True)
    # A decline of an information request ends when the request closes, unless the holder says not.
    ends_with_request: bool = False
    # The practitioners a decision to share is addressed to (empty: the recipient agencies).
    recipient_practitioners: list[str] = json_list_field()
    version: int = version_field()


class SharingDecisionPublic(SQLModel):
    id: uuid.UUID
    kind: DecisionKind
    holder_agency_id: uuid.UUID
    subject_person_id: uuid.UUID
    recipients: list[uuid.UUID]
    recipient_groups: list[uuid.UUID]
    purposes: list[Purpose]
    categories: list[Category]
    record_ids: list[uuid.UUID]
    legal_basis: LegalBasis | None
    reasons: str
    consent_sought: bool
    consent_not_sought_reason: str | None
    subject_told: bool
    not_told_reason: str | None
    decided_by: uuid.UUID
    consulted: list[str]
    decided_at: datetime
    expires_at: datetime | None
    ended_at: datetime | None
    end_reason: str | None
    article6_basis: Article6Basis
    article9_condition: Article9Condition | None
    information_request_id: uuid.UUID | None
    recipient_practitioners: list[uuid.UUID]
    # The shares addressed to the named practitioners (or answering an information request).
    share_ids: list[uuid.UUID] = Field(default_factory=list)
    version: int


class DecisionEnd(SQLModel):
    reason: str = Field(min_length=1, max_length=2000)


# --- multi-agency groups ---


class GroupKind(StrEnum):
    joint_action_group = "joint_action_group"
    family_support_service = "family_support_service"
    team_around_the_family = "team_around_the_family"
    mash = "mash"
    other = "other"


class GroupCreate(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    kind: GroupKind
    chair_agency_id: uuid.UUID
    deputy_agency_id: uuid.UUID | None = None
    purposes: list[Purpose] = Field(min_length=1, max_length=10)
    legal_gateway: LegalBasis
    agreement: str | None = Field(default=None, max_length=2000)  # the ISA's name or reference
    members: list[uuid.UUID] = Field(default_factory=list, max_length=100)


class GroupUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    chair_agency_id: uuid.UUID | None = None
    deputy_agency_id: uuid.UUID | None = None
    purposes: list[Purpose] | None = None
    agreement: str | None = Field(default=None, max_length=2000)


class AgencyGroup(SQLModel, table=True):
    __tablename__ = "agency_group"
    id: uuid.UUID = id_field()
    name: str = Field(max_length=200)
    kind: str = enum_field(GroupKind)
    chair_agency_id: uuid.UUID = Field(foreign_key="agency.id")
    deputy_agency_id: uuid.UUID | None = Field(default=None, foreign_key="agency.id")
    purposes: list[str] = json_list_field()
    legal_gateway: str = Field(max_length=40)
    agreement: str | None = Field(default=None, max_length=2000)
    version: int = version_field()
    created_at: datetime = created_at_field()


class GroupMembership(SQLModel, table=True):
    """Membership is dated: interest and group-scoped consents use membership at request time."""

    __tablename__ = "group_membership"
    id: uuid.UUID = id_field()
    group_id: uuid.UUID = Field(foreign_key="agency_group.id", index=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    joined_at: datetime = created_at_field()
    left_at: datetime | None = ts_field()


class MembershipPublic(SQLModel):
    agency_id: uuid.UUID
    joined_at: datetime
    left_at: datetime | None


class GroupPublic(SQLModel):
    id: uuid.UUID
    name: str
    kind: GroupKind
    chair_agency_id: uuid.UUID
    deputy_agency_id: uuid.UUID | None
    purposes: list[Purpose]
    legal_gateway: LegalBasis
    agreement: str | None
    members: list[MembershipPublic]
    version: int
    created_at: datetime


class MemberAdd(SQLModel):
    agency_id: uuid.UUID


class AgendaAdd(SQLModel):
    """Put a person, or a family your agency recorded, on one of the group's meetings."""

    person_id: uuid.UUID | None = None
    family_id: uuid.UUID | None = None
    meeting_on: date
    reason: str = Field(min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _one(self) -> "AgendaAdd":
        if (self.person_id is None) == (self.family_id is None):
            raise ValueError("give exactly one of person_id and family_id")
        return self


class GroupAgendaEntry(SQLModel, table=True):
    """A person on a group's meeting agenda: the group's work covers them for 12 months."""

    __tablename__ = "group_agenda_entry"
    id: uuid.UUID = id_field()
    group_id: uuid.UUID = Field(foreign_key="agency_group.id", index=True)
    person_id: uuid.UUID = Field(foreign_key="person.id", index=True)
    family_id: uuid.UUID | None = Field(default=None, foreign_key="family.id")
    meeting_on: date
    reason: str = Field(max_length=2000)
    added_by_agency_id: uuid.UUID = Field(foreign_key="agency.id")
    added_by: uuid.UUID | None = Field(default=None, foreign_key="practitioner.id")
    created_at: datetime = created_at_field()


class AgendaEntryPublic(SQLModel):
    """One person on a meeting's agenda."""

    id: uuid.UUID
    group_id: uuid.UUID
    person_id: uuid.UUID
    family_id: uuid.UUID | None
    meeting_on: date
    reason: str | None  # None when added by a sensitive service (its involvement stays hidden)
    added_by_agency_id: uuid.UUID | None
    created_at: datetime


class AgendaAdded(SQLModel):
    entries: list[AgendaEntryPublic]


# --- the disclosure log ---


class Disclosure(SQLModel, table=True):
    """One record disclosed to another agency, written in the transaction of the response."""

    id: uuid.UUID = id_field()
    request_id: str | None = Field(default=None, max_length=64, index=True)
    disclosed_at: datetime = created_at_field()
    holder_agency_id: uuid.UUID = Field(index=True)
    recipient_agency_id: uuid.UUID
    recipient_practitioner_id: uuid.UUID | None = None
    recipient_client_id: uuid.UUID | None = None
    record_id: uuid.UUID
    subject_person_id: uuid.UUID = Field(index=True)
    purpose: str = Field(max_length=40)
    basis: str = Field(max_length=20)
    basis_id: uuid.UUID | None = None
    article6_basis: str = Field(max_length=40)
    article9_condition: str | None = Field(default=None, max_length=60)
    endpoint: str = Field(max_length=120)
    policy_version: str = Field(max_length=20)


class DisclosurePublic(SQLModel):
    id: uuid.UUID
    request_id: str | None
    disclosed_at: datetime
    holder_agency_id: uuid.UUID
    recipient_agency_id: uuid.UUID
    recipient_practitioner_id: uuid.UUID | None
    recipient_client_id: uuid.UUID | None
    record_id: uuid.UUID
    subject_person_id: uuid.UUID
    purpose: str
    basis: str
    basis_id: uuid.UUID | None
    article6_basis: str
    article9_condition: str | None
    endpoint: str
    policy_version: str


def as_uuid_list(values: list[str]) -> list[uuid.UUID]:
    return [uuid.UUID(v) for v in values]
