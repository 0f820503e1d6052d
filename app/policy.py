"""The sharing policy: one pure module. Facts in, a decision with its basis or reason out.

Every endpoint that returns anything one agency holds to another agency calls this module; nothing
else decides who sees what. The foundation carries rule 1 (the holder sees its own) and rule 2
(legitimate interest); the sharing core adds consents, refusals and decisions.
"""

import uuid
from dataclasses import dataclass
from enum import StrEnum

POLICY_VERSION = "2026-11-25.1"


class InterestKind(StrEnum):
    involvement = "involvement"
    referral = "referral"
    group = "group"


@dataclass(frozen=True)
class InterestFacts:
    """What links an agency to a person, as loaded for one request."""

    agency_id: uuid.UUID
    person_id: uuid.UUID
    active_involvement_agencies: frozenset[uuid.UUID]


@dataclass(frozen=True)
class InterestDecision:
    has_interest: bool
    basis: InterestKind | None
    trace: tuple[str, ...]
    policy_version: str = POLICY_VERSION


def legitimate_interest(facts: InterestFacts) -> InterestDecision:
    """Rule 2: another agency needs a legitimate interest first; without it the person is 404."""
    if facts.agency_id in facts.active_involvement_agencies:
        return InterestDecision(True, InterestKind.involvement, ("rule2:involvement",))
    return InterestDecision(False, None, ("rule2:no-interest",))
