"""Tables and schemas. Importing this package registers every table on the metadata."""

from app.models.agency import Agency, AgencyService
from app.models.audit import AuditEntry
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

__all__ = [
    "Address",
    "Agency",
    "AgencyService",
    "ApiKey",
    "AuditEntry",
    "CompetenceAssessment",
    "Family",
    "FamilyMember",
    "IdempotencyRecord",
    "Involvement",
    "MachineClient",
    "Person",
    "PersonProfile",
    "Practitioner",
    "Relationship",
    "UsedAssertion",
]
