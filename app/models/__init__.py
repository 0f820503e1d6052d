"""Tables and schemas. Importing this package registers every table on the metadata."""

from app.models.agency import Agency, AgencyService
from app.models.audit import AuditChainLink, AuditCheckpoint, AuditEntry, AuditSeal
from app.models.casework import (
    ChildStatus,
    EarlyHelpAssessment,
    LeadProfessional,
    Referral,
    ReferralSubject,
)
from app.models.conferences import (
    Conference,
    ConferenceAgency,
    ConferenceAttendee,
    ConferenceNote,
    ConferenceSubject,
)
from app.models.idempotency import IdempotencyRecord
from app.models.identity import ApiKey, MachineClient, Practitioner, UsedAssertion
from app.models.person import (
    Address,
    CompetenceAssessment,
    Family,
    FamilyMember,
    Involvement,
    Person,
    PersonProfile,
    Relationship,
)
from app.models.plans import (
    Action,
    Concern,
    FailedContact,
    FollowUp,
    Review,
    ReviewParticipant,
)
from app.models.requests import InformationRequest, InformationRequestTarget, Share
from app.models.sharing import (
    AgencyGroup,
    ConsentStatement,
    ConsentSubject,
    Disclosure,
    GroupAgendaEntry,
    GroupMembership,
    Record,
    RecordCitation,
    SharingDecision,
)

__all__ = [
    "Action",
    "Address",
    "Agency",
    "AgencyGroup",
    "AgencyService",
    "ApiKey",
    "AuditChainLink",
    "AuditCheckpoint",
    "AuditEntry",
    "AuditSeal",
    "ChildStatus",
    "CompetenceAssessment",
    "Concern",
    "Conference",
    "ConferenceAgency",
    "ConferenceAttendee",
    "ConferenceNote",
    "ConferenceSubject",
    "ConsentStatement",
    "ConsentSubject",
    "Disclosure",
    "EarlyHelpAssessment",
    "FailedContact",
    "Family",
    "FamilyMember",
    "FollowUp",
    "GroupAgendaEntry",
    "GroupMembership",
    "IdempotencyRecord",
    "InformationRequest",
    "InformationRequestTarget",
    "Involvement",
    "LeadProfessional",
    "MachineClient",
    "Person",
    "PersonProfile",
    "Practitioner",
    "Record",
    "RecordCitation",
    "Referral",
    "ReferralSubject",
    "Relationship",
    "Review",
    "ReviewParticipant",
    "Share",
    "SharingDecision",
    "UsedAssertion",
]
