"""The sharing policy: one pure module. Facts in, a decision with its basis or reason out.

Every endpoint that returns anything one agency holds to another agency calls `decide` (through
app/services/sharing.py); nothing else decides who sees what. The rules are those of DOMAIN.md,
"The sharing rules" and "Precise readings"; each decision carries the rules it applied (a short
trace) and the policy version, so that it can be explained later.

Plain Python on frozen dataclasses: a policy engine was measured 70-100x slower per decision and
none could return a legal basis.
"""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

POLICY_VERSION = "2026-11-25.2"


class Category(StrEnum):
    health = "health"
    mental_health = "mental_health"
    sexual_health = "sexual_health"
    substance_misuse = "substance_misuse"
    offending = "offending"
    education = "education"
    housing = "housing"
    social_care = "social_care"
    family_circumstances = "family_circumstances"
    finance = "finance"
    employment = "employment"
    identity = "identity"
    other = "other"


# Special is a property of the category: these are special whatever level was entered.
SPECIAL_CATEGORIES = frozenset(
    {
        Category.health,
        Category.mental_health,
        Category.sexual_health,
        Category.substance_misuse,
        Category.offending,
    }
)


class Level(StrEnum):
    non_confidential = "non_confidential"
    confidential = "confidential"
    special = "special"


class Purpose(StrEnum):
    """Why information moves: a closed list, stated on every read, logged with each disclosure."""

    early_help_assessment = "early_help_assessment"
    family_support = "family_support"
    child_in_need_assessment = "child_in_need_assessment"  # Children Act 1989 s.17
    child_protection_enquiry = "child_protection_enquiry"  # Children Act 1989 s.47
    crime_and_disorder_reduction = "crime_and_disorder_reduction"  # Crime and Disorder Act s.115
    health_care = "health_care"
    education_support = "education_support"
    housing_support = "housing_support"
    parenting_support = "parenting_support"
    youth_support = "youth_support"


class BasisKind(StrEnum):
    holder = "holder"  # rule 1: the holder sees its own
    decision = "decision"  # a recorded decision to share
    non_confidential = "non_confidential"  # rule 3
    consent = "consent"  # rule 4


class Reason(StrEnum):
    no_legitimate_interest = "no_legitimate_interest"
    no_consent = "no_consent"
    consent_refused = "consent_refused"
    consent_withdrawn = "consent_withdrawn"
    consent_expired = "consent_expired"
    decision_not_to_share = "decision_not_to_share"


def effective_level(category: str, entered: str, holder_sensitive: bool) -> Level:
    """Special by category; a sensitive service's records are at least confidential."""
    if category in SPECIAL_CATEGORIES:
        return Level.special
    if entered == Level.non_confidential and not holder_sensitive:
        return Level.non_confidential
    return Level.confidential


@dataclass(frozen=True, slots=True)
class RecordFacts:
    id: uuid.UUID
    holder_agency_id: uuid.UUID
    subject_person_id: uuid.UUID
    category: str
    level: Level  # effective level (see effective_level)
    holder_sensitive: bool = False
    # Earlier versions this record corrects: a decision naming one covers its corrections too.
    lineage: frozenset[uuid.UUID] = frozenset()


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """Who may speak for a person: themselves if adult or competent; else those with PR.

    `views` holds what each agency itself recorded (age, competence, parental responsibility).
    A grant is judged on the holder's own facts (with the parental responsibility the recorder
    knows), so no agency can make someone a child, or a parent, to unlock another's records;
    a refusal counts if any agency's facts entitle its giver.
    """

    person_id: uuid.UUID
    is_child: bool
    competent: bool = False
    pr_holders: frozenset[uuid.UUID] = frozenset()
    views: Mapping[uuid.UUID, "AgencyView"] = field(default_factory=dict)

    def entitled(self, giver: uuid.UUID) -> bool:
        if not self.is_child or self.competent:
            return giver == self.person_id
        return giver in self.pr_holders

    def entitled_to_grant(self, giver: uuid.UUID, holder: uuid.UUID, recorder: uuid.UUID) -> bool:
        if not self.views:
            return self.entitled(giver)
        h, r = self.views.get(holder), self.views.get(recorder)
        is_child = next((v.is_child for v in (h, r) if v and v.is_child is not None), self.is_child)
        competent = next((v.competent for v in (h, r) if v and v.competent is not None), False)
        if not is_child or competent:
            return giver == self.person_id
        return giver in (h.pr_holders if h else frozenset()) | (r.pr_holders if r else frozenset())

    def entitled_to_refuse(self, giver: uuid.UUID) -> bool:
        return self.entitled(giver) or any(
            v.entitles(self.person_id, giver) for v in self.views.values()
        )


@dataclass(frozen=True, slots=True)
class AgencyView:
    """What one agency recorded about a person: None where it recorded nothing."""

    is_child: bool | None = None
    competent: bool | None = None
    pr_holders: frozenset[uuid.UUID] = frozenset()

    def entitles(self, person_id: uuid.UUID, giver: uuid.UUID) -> bool:
        if not self.is_child or self.competent:
            return giver == person_id
        return giver in self.pr_holders


@dataclass(frozen=True, slots=True)
class ConsentFacts:
    id: uuid.UUID
    granted: bool  # False: a refusal
    subject_person_id: uuid.UUID
    given_by_person_id: uuid.UUID
    stated_at: datetime
    holders: frozenset[uuid.UUID]  # agencies that may share
    holder_groups: frozenset[uuid.UUID]
    recipients: frozenset[uuid.UUID]  # agencies that may receive
    recipient_groups: frozenset[uuid.UUID]
    purposes: frozenset[str]
    categories: frozenset[str]  # empty: a grant covers all but special; a refusal covers all
    expires_at: datetime | None = None
    withdrawn_at: datetime | None = None
    show_involvement: bool = False  # the person agreed a sensitive service may be seen as involved
    recorded_by_agency_id: uuid.UUID | None = None  # None in unit tests: the first holder


@dataclass(frozen=True, slots=True)
class DecisionFacts:
    id: uuid.UUID
    share: bool  # False: a decision not to share
    holder_agency_id: uuid.UUID
    subject_person_id: uuid.UUID
    decided_at: datetime
    recipients: frozenset[uuid.UUID]
    recipient_groups: frozenset[uuid.UUID]
    purposes: frozenset[str]
    categories: frozenset[str]  # empty: every category
    record_ids: frozenset[uuid.UUID] = frozenset()  # empty: every record in scope, new ones too
    expires_at: datetime | None = None
    ended_at: datetime | None = None
    # Named practitioners of the recipients: only they receive it (empty: the whole agency).
    recipient_practitioners: frozenset[uuid.UUID] = frozenset()


@dataclass(frozen=True, slots=True)
class Request:
    """Who asks, for what, when; and the groups each agency belongs to at this moment."""

    agency_id: uuid.UUID
    purpose: str
    now: datetime
    memberships: Mapping[uuid.UUID, frozenset[uuid.UUID]] = field(default_factory=dict)
    # The reading practitioner; None asks what the agency as a whole could receive (a holder
    # checking, before it points records out, that the recipient has a basis).
    practitioner_id: uuid.UUID | None = None

    def groups_of(self, agency_id: uuid.UUID) -> frozenset[uuid.UUID]:
        return self.memberships.get(agency_id, frozenset())


@dataclass(frozen=True, slots=True)
class Decision:
    permit: bool
    basis: BasisKind | None
    basis_id: uuid.UUID | None
    reason: Reason | None
    # A withheld record of a sensitive service whose involvement the person has not agreed to show:
    # left out of withheld counts, so a count cannot reveal the service.
    hidden: bool
    trace: tuple[str, ...]
    policy_version: str = POLICY_VERSION


def _permit(basis: BasisKind, basis_id: uuid.UUID | None, trace: tuple[str, ...]) -> Decision:
    return Decision(True, basis, basis_id, None, False, trace)


def _withhold(reason: Reason, hidden: bool, trace: tuple[str, ...]) -> Decision:
    return Decision(False, None, None, reason, hidden, trace)


def _covers_recipient(
    agencies: frozenset[uuid.UUID], groups: frozenset[uuid.UUID], request: Request
) -> bool:
    return request.agency_id in agencies or not groups.isdisjoint(
        request.groups_of(request.agency_id)
    )


def _active_decision(d: DecisionFacts, now: datetime) -> bool:
    return (
        d.decided_at <= now
        and (d.expires_at is None or now < d.expires_at)
        and (d.ended_at is None or now < d.ended_at)
    )


def _decision_covers(d: DecisionFacts, record: RecordFacts, request: Request) -> bool:
    return (
        d.holder_agency_id == record.holder_agency_id
        and d.subject_person_id == record.subject_person_id
        and request.purpose in d.purposes
        and (not d.categories or record.category in d.categories)
        and (
            not d.record_ids
            or record.id in d.record_ids
            or not d.record_ids.isdisjoint(record.lineage)
        )
        and _covers_recipient(d.recipients, d.recipient_groups, request)
        and (
            not d.recipient_practitioners
            or request.practitioner_id is None
            or request.practitioner_id in d.recipient_practitioners
        )
    )


def _recorder(c: ConsentFacts, holder: uuid.UUID) -> uuid.UUID:
    return c.recorded_by_agency_id if c.recorded_by_agency_id is not None else holder


def _consent_covers(c: ConsentFacts, record: RecordFacts, request: Request) -> bool:
    if c.subject_person_id != record.subject_person_id or request.purpose not in c.purposes:
        return False
    # Only a sensitive service can attest a person's consent to share what it holds.
    if (
        c.granted
        and record.holder_sensitive
        and _recorder(c, record.holder_agency_id) != record.holder_agency_id
    ):
        return False
    if c.categories:
        if record.category not in c.categories:
            return False
    elif c.granted and record.level == Level.special:
        return False  # special information needs its category named
    holder_ok = record.holder_agency_id in c.holders or not c.holder_groups.isdisjoint(
        request.groups_of(record.holder_agency_id)
    )
    return holder_ok and _covers_recipient(c.recipients, c.recipient_groups, request)


def involvement_shown(
    holder_agency_id: uuid.UUID,
    request: Request,
    consents: Iterable[ConsentFacts],
    person: PersonFacts,
) -> bool:
    """Whether the person agreed that the requester may see this sensitive service as involved."""
    for c in consents:
        if (
            c.granted
            and c.show_involvement
            and c.subject_person_id == person.person_id
            and c.withdrawn_at is None
            and (c.expires_at is None or request.now < c.expires_at)
            and c.stated_at <= request.now
            and _recorder(c, holder_agency_id) == holder_agency_id
            and person.entitled_to_grant(c.given_by_person_id, holder_agency_id, holder_agency_id)
            and holder_agency_id in c.holders
            and _covers_recipient(c.recipients, c.recipient_groups, request)
        ):
            return True
    return False


def decide(
    request: Request,
    record: RecordFacts,
    *,
    has_interest: bool,
    subject: PersonFacts,
    consents: Iterable[ConsentFacts] = (),
    decisions: Iterable[DecisionFacts] = (),
) -> Decision:
    """May `request.agency_id` receive `record` for `request.purpose`, now?

    `has_interest` is the requester's legitimate interest in the person whose file is read (the
    child, for a chronology that includes the people around the child). `subject` describes the
    record's own subject, whose basis is needed (rule 6). `consents` and `decisions` may include
    facts about other people and records: only those covering this record count.
    """
    if record.holder_agency_id == request.agency_id:
        return _permit(BasisKind.holder, None, ("rule1:holder",))

    consents = tuple(consents)
    hidden = record.holder_sensitive and not involvement_shown(
        record.holder_agency_id, request, consents, subject
    )
    if not has_interest:
        return _withhold(Reason.no_legitimate_interest, hidden, ("rule2:no-interest",))

    trace: list[str] = ["rule2:interest"]
    latest_decision: DecisionFacts | None = None
    for d in decisions:
        if (
            _active_decision(d, request.now)
            and _decision_covers(d, record, request)
            and (
                latest_decision is None
                or (d.decided_at, d.id.int) > (latest_decision.decided_at, latest_decision.id.int)
            )
        ):
            latest_decision = d
    if latest_decision is not None:
        if latest_decision.share:
            trace.append("rule5:decision-to-share")
            return _permit(BasisKind.decision, latest_decision.id, tuple(trace))
        trace.append("rule5:decision-not-to-share")
        return _withhold(Reason.decision_not_to_share, hidden, tuple(trace))

    if record.level == Level.non_confidential:
        trace.append("rule3:non-confidential")
        return _permit(BasisKind.non_confidential, None, tuple(trace))

    trace.append(f"rule4:{record.level.value}")
    latest: ConsentFacts | None = None
    lapsed: Reason | None = None
    for c in consents:
        if not _consent_covers(c, record, request) or c.stated_at > request.now:
            continue
        # Rule 6 and entitlement: only the subject, or PR for a child who is not competent.
        recorder = _recorder(c, record.holder_agency_id)
        if c.granted and not subject.entitled_to_grant(
            c.given_by_person_id, record.holder_agency_id, recorder
        ):
            continue
        if not c.granted and not subject.entitled_to_refuse(c.given_by_person_id):
            continue
        if c.granted and c.withdrawn_at is not None and c.withdrawn_at <= request.now:
            lapsed = lapsed or Reason.consent_withdrawn
            continue
        if c.expires_at is not None and c.expires_at <= request.now:
            if c.granted:
                lapsed = lapsed or Reason.consent_expired
            continue
        if latest is None or (c.stated_at, c.id.int) > (latest.stated_at, latest.id.int):
            latest = c
    if latest is None:
        trace.append("rule4:no-consent")
        return _withhold(lapsed or Reason.no_consent, hidden, tuple(trace))
    if not latest.granted:
        trace.append("rule5:refused")
        return _withhold(Reason.consent_refused, hidden, tuple(trace))
    trace.append("rule4:consent")
    return _permit(BasisKind.consent, latest.id, tuple(trace))
