"""The authenticated caller: one agency, plus a practitioner or machine client, and roles."""

import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from app.models.identity import AccessRole


class PrincipalKind(StrEnum):
    platform_admin = "platform_admin"
    practitioner = "practitioner"  # a person, or a script with their API key
    client = "client"  # an agency's case system acting for a named practitioner


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    agency_id: uuid.UUID | None
    practitioner_id: uuid.UUID | None = None
    client_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None
    roles: frozenset[AccessRole] = field(default_factory=frozenset)

    @property
    def is_platform_admin(self) -> bool:
        return self.kind == PrincipalKind.platform_admin

    def has(self, role: AccessRole) -> bool:
        return role in self.roles

    @property
    def idempotency_scope(self) -> str:
        """Whose Idempotency-Keys these are: behind one case system, each practitioner's own
        (fits the 80 characters of idempotency_record.scope)."""
        if self.client_id:
            return f"client:{self.client_id}:{self.practitioner_id}"
        return self.scope_key

    @property
    def scope_key(self) -> str:
        """Per-caller scope for rate limits (and idempotency, but for machine clients)."""
        if self.client_id:
            return f"client:{self.client_id}"
        if self.api_key_id:
            return f"key:{self.api_key_id}"
        return "platform"
