"""Reading across agencies: load a request's facts in a bounded number of queries, ask the policy
about every record, log every disclosure in the same transaction, count what was withheld.

This is the only path by which a record held by one agency reaches another.
"""

import uuid
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql import visitors
from sqlmodel import col, select

from app.context import request_id_var
from app.db import UTCDateTime, utcnow
from app.driver import Db
from app.errors import NotFound
from app.jsonrows import Combined, Row
from app.models.agency import Agency
from app.models.casework import Referral, ReferralStatus, ReferralSubject
from app.models.person import (
    CompetenceAssessment,
    FamilyMember,
    Involvement,
    PersonProfile,
    Relationship,
)
from app.models.sharing import (
    Article6Basis,
    ConsentStatement,
    ConsentSubject,
    GroupAgendaEntry,
    GroupMembership,
    Record,
    RecordCitation,
    SharingDecision,
)
from app.policy import (
    POLICY_VERSION,
    AgencyView,
    BasisKind,
    ConsentFacts,
    Decision,
    DecisionFacts,
    Level,
    PersonFacts,
    RecordFacts,
    Request,
    decide,
)
from app.principal import Principal
from app.services.audit import AuditItem, RefusalAudit, append_many
from app.services.people import ADULT_AGE, age_on

GROUP_INTEREST_WINDOW = timedelta(days=365)


def _ids(values: Iterable[str]) -> frozenset[uuid.UUID]:
    return frozenset(uuid.UUID(v) for v in values)


# --- facts ---
# Each fact set is one SELECT (built once, with bind parameters) and one function that turns its
# rows into policy facts. The functions below run them one query each; `load_read_facts` runs
# them all in one round trip.

P_IDS: sa.BindParameter[Any] = sa.bindparam("ids", expanding=True)
P_AGENCY = sa.bindparam("agency", type_=sa.Uuid)
P_PERSON = sa.bindparam("person", type_=sa.Uuid)
P_NOW = sa.bindparam("now", type_=UTCDateTime())
P_TODAY = sa.bindparam("today", type_=sa.Date)
P_WINDOW_START = sa.bindparam("window_start", type_=sa.Date)

MEMBERSHIPS_Q = sa.select(col(GroupMembership.agency_id), col(GroupMembership.group_id)).where(
    col(GroupMembership.joined_at) <= P_NOW,
    or_(col(GroupMembership.left_at).is_(None), col(GroupMembership.left_at) > P_NOW),
)


def memberships_from(rows: Iterable[Row]) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
    groups: dict[uuid.UUID, set[uuid.UUID]] = {}
    for agency_id, group_id in rows:
        groups.setdefault(agency_id, set()).add(group_id)
    return {a: frozenset(g) for a, g in groups.items()}


async def memberships_now(
    session: AsyncSession, now: datetime
) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
    return memberships_from(await session.execute(MEMBERSHIPS_Q, {"now": now}))


# Rule 2 (decision 0006), for P_AGENCY in P_PERSON: an active involvement; a referral to the
# agency that is sent or accepted; or a group the agency belongs to now that had the person on a
# meeting's agenda in the last 12 months or accepted a referral for them.
_GROUPS_NOW = sa.select(col(GroupMembership.group_id)).where(
    col(GroupMembership.agency_id) == P_AGENCY,
    col(GroupMembership.joined_at) <= P_NOW,
    or_(col(GroupMembership.left_at).is_(None), col(GroupMembership.left_at) > P_NOW),
)
_INVOLVED = and_(
    col(Involvement.agency_id) == P_AGENCY,
    or_(col(Involvement.ended_at).is_(None), col(Involvement.ended_at) > P_NOW),
)
_REFERRED_FROM = sa.join(Referral, ReferralSubject, col(ReferralSubject.referral_id) == Referral.id)
_REFERRED = or_(
    and_(
        col(Referral.to_agency_id) == P_AGENCY,
        col(Referral.status).in_([ReferralStatus.sent.value, ReferralStatus.accepted.value]),
    ),
    and_(
        col(Referral.to_group_id).in_(_GROUPS_NOW),
        col(Referral.status) == ReferralStatus.accepted.value,
    ),
)
_ON_AGENDA = and_(
    col(GroupAgendaEntry.group_id).in_(_GROUPS_NOW),
    col(GroupAgendaEntry.meeting_on) >= P_WINDOW_START,
    col(GroupAgendaEntry.meeting_on) <= P_TODAY,
)
INTEREST = or_(
    sa.exists().where(_INVOLVED, col(Involvement.person_id) == P_PERSON),
    sa.exists()
    .select_from(_REFERRED_FROM)
    .where(_REFERRED, col(ReferralSubject.person_id) == P_PERSON),
    sa.exists().where(_ON_AGENDA, col(GroupAgendaEntry.person_id) == P_PERSON),
)
# The same, for each of several people at once (a conference pack): those of P_IDS it covers.
INTERESTED_Q = sa.union(
    sa.select(col(Involvement.person_id)).where(_INVOLVED, col(Involvement.person_id).in_(P_IDS)),
    sa.select(col(ReferralSubject.person_id))
    .select_from(_REFERRED_FROM)
    .where(_REFERRED, col(ReferralSubject.person_id).in_(P_IDS)),
    sa.select(col(GroupAgendaEntry.person_id)).where(
        _ON_AGENDA, col(GroupAgendaEntry.person_id).in_(P_IDS)
    ),
)
_HAS_INTEREST_Q = sa.select(INTEREST.label("interest"))


def interest_params(agency_id: uuid.UUID, person_id: uuid.UUID, now: datetime) -> dict[str, Any]:
    return {
        "agency": agency_id,
        "person": person_id,
        "now": now,
        "today": now.date(),
        "window_start": (now - GROUP_INTEREST_WINDOW).date(),
    }


async def has_interest(
    session: AsyncSession, agency_id: uuid.UUID, person_id: uuid.UUID, now: datetime
) -> bool:
    """Whether the agency has a legitimate interest in the person now (see INTEREST)."""
    params = interest_params(agency_id, person_id, now)
    return bool((await session.execute(_HAS_INTEREST_Q, params)).scalar_one())


PROFILES_Q = sa.select(
    col(PersonProfile.person_id),
    col(PersonProfile.agency_id),
    col(PersonProfile.kind),
    col(PersonProfile.date_of_birth),
).where(col(PersonProfile.person_id).in_(P_IDS))
COMPETENCE_Q = sa.select(
    col(CompetenceAssessment.person_id),
    col(CompetenceAssessment.agency_id),
    col(CompetenceAssessment.assessed_on),
    col(CompetenceAssessment.created_at),
    col(CompetenceAssessment.competent),
).where(col(CompetenceAssessment.person_id).in_(P_IDS))
PR_Q = sa.select(
    col(Relationship.person_id),
    col(Relationship.related_person_id),
    col(Relationship.agency_id),
).where(
    col(Relationship.related_person_id).in_(P_IDS),
    col(Relationship.parental_responsibility).is_(True),
    or_(col(Relationship.to_date).is_(None), col(Relationship.to_date) >= P_TODAY),
)


def person_facts_from(
    ids: Sequence[uuid.UUID],
    today: date,
    profiles: Iterable[Row],
    competence: Iterable[Row],
    pr: Iterable[Row],
) -> dict[uuid.UUID, PersonFacts]:
    """Who may speak for each person, as each agency recorded it (see PersonFacts). Uses every
    agency's facts; none of them is disclosed."""
    views: dict[uuid.UUID, dict[uuid.UUID, dict[str, Any]]] = {pid: {} for pid in ids}

    def view(pid: uuid.UUID, agency: uuid.UUID) -> dict[str, Any]:
        return views[pid].setdefault(agency, {"is_child": None, "competent": None, "pr": set()})

    for pid, agency, kind, born in profiles:
        if kind == "unborn":
            view(pid, agency)["is_child"] = True
        elif born is not None:
            view(pid, agency)["is_child"] = age_on(born, today) < ADULT_AGE
    latest: dict[tuple[uuid.UUID, uuid.UUID], tuple[date, datetime]] = {}
    for pid, agency, on, at, ok in competence:
        if (pid, agency) not in latest or (on, at) > latest[(pid, agency)]:
            latest[(pid, agency)] = (on, at)
            view(pid, agency)["competent"] = ok
    for holder, child_id, agency in pr:
        view(child_id, agency)["pr"].add(holder)
    facts = {}
    for pid in ids:
        agency_views = {
            a: AgencyView(v["is_child"], v["competent"], frozenset(v["pr"]))
            for a, v in views[pid].items()
        }
        # The merged view (any agency's facts): a child if any agency says so, the latest
        # competence anywhere, every recorded PR holder. Used for refusals and local checks.
        latest_any = max(((on_at, a) for (p, a), on_at in latest.items() if p == pid), default=None)
        facts[pid] = PersonFacts(
            pid,
            is_child=any(v.is_child for v in agency_views.values()),
            competent=bool(latest_any and agency_views[latest_any[1]].competent),
            pr_holders=frozenset().union(*(v.pr_holders for v in agency_views.values())),
            views=agency_views,
        )
    return facts


async def person_facts(
    session: AsyncSession, person_ids: Sequence[uuid.UUID], today: date
) -> dict[uuid.UUID, PersonFacts]:
    ids = list(person_ids)
    stmt = _PERSON_FACTS.statement(session.get_bind().dialect.name)
    row = (await session.execute(stmt, {"ids": ids, "today": today})).one()
    parts = _PERSON_FACTS.decode(row)
    return person_facts_from(ids, today, parts["profiles"], parts["competence"], parts["pr"])


_PERSON_FACTS = Combined({"profiles": PROFILES_Q, "competence": COMPETENCE_Q, "pr": PR_Q})


@dataclass
class ConsentIndex:
    facts: list[ConsentFacts]
    lawful: dict[uuid.UUID, tuple[str, str | None]]  # statement id: (Article 6, Article 9)


CONSENTS_Q = (
    sa.select(
        col(ConsentStatement.id),
        col(ConsentStatement.decision),
        col(ConsentSubject.subject_person_id),
        col(ConsentSubject.given_by_person_id),
        col(ConsentStatement.given_at),
        col(ConsentStatement.holders),
        col(ConsentStatement.holder_groups),
        col(ConsentStatement.recipients),
        col(ConsentStatement.recipient_groups),
        col(ConsentStatement.purposes),
        col(ConsentStatement.categories),
        col(ConsentStatement.expires_at),
        col(ConsentStatement.withdrawn_at),
        col(ConsentStatement.show_involvement),
        col(ConsentStatement.recorded_by_agency_id),
        col(ConsentStatement.article6_basis),
        col(ConsentStatement.article9_condition),
    )
    .join_from(
        ConsentStatement, ConsentSubject, col(ConsentSubject.statement_id) == ConsentStatement.id
    )
    .where(col(ConsentSubject.subject_person_id).in_(P_IDS))
)


def consent_facts_from(rows: Iterable[Row]) -> ConsentIndex:
    index = ConsentIndex([], {})
    for (
        sid,
        decision,
        subject,
        giver,
        given_at,
        holders,
        holder_groups,
        recipients,
        recipient_groups,
        purposes,
        categories,
        expires_at,
        withdrawn_at,
        show_involvement,
        recorded_by,
        article6,
        article9,
    ) in rows:
        index.facts.append(
            ConsentFacts(
                id=sid,
                granted=decision == "granted",
                subject_person_id=subject,
                given_by_person_id=giver,
                stated_at=given_at,
                holders=_ids(holders),
                holder_groups=_ids(holder_groups),
                recipients=_ids(recipients),
                recipient_groups=_ids(recipient_groups),
                purposes=frozenset(purposes),
                categories=frozenset(categories),
                expires_at=expires_at,
                withdrawn_at=withdrawn_at,
                show_involvement=bool(show_involvement),
                recorded_by_agency_id=recorded_by,
            )
        )
        index.lawful[sid] = (article6, article9)
    return index


async def consent_facts(session: AsyncSession, person_ids: Sequence[uuid.UUID]) -> ConsentIndex:
    return consent_facts_from(await session.execute(CONSENTS_Q, {"ids": list(person_ids)}))


DECISIONS_Q = sa.select(
    col(SharingDecision.id),
    col(SharingDecision.kind),
    col(SharingDecision.holder_agency_id),
    col(SharingDecision.subject_person_id),
    col(SharingDecision.decided_at),
    col(SharingDecision.recipients),
    col(SharingDecision.recipient_groups),
    col(SharingDecision.purposes),
    col(SharingDecision.categories),
    col(SharingDecision.record_ids),
    col(SharingDecision.expires_at),
    col(SharingDecision.ended_at),
    col(SharingDecision.article6_basis),
    col(SharingDecision.article9_condition),
    col(SharingDecision.recipient_practitioners),
).where(
    col(SharingDecision.subject_person_id).in_(P_IDS),
    or_(col(SharingDecision.ended_at).is_(None), col(SharingDecision.ended_at) > P_NOW),
)


def decision_facts_from(
    rows: Iterable[Row],
) -> tuple[list[DecisionFacts], dict[uuid.UUID, tuple[str, str | None]]]:
    facts, lawful = [], {}
    for (
        did,
        kind,
        holder,
        subject,
        decided_at,
        recipients,
        recipient_groups,
        purposes,
        categories,
        record_ids,
        expires_at,
        ended_at,
        article6,
        article9,
        recipient_practitioners,
    ) in rows:
        facts.append(
            DecisionFacts(
                id=did,
                share=kind == "share",
                holder_agency_id=holder,
                subject_person_id=subject,
                decided_at=decided_at,
                recipients=_ids(recipients),
                recipient_groups=_ids(recipient_groups),
                purposes=frozenset(purposes),
                categories=frozenset(categories),
                record_ids=_ids(record_ids),
                expires_at=expires_at,
                ended_at=ended_at,
                recipient_practitioners=_ids(recipient_practitioners or []),
            )
        )
        lawful[did] = (article6, article9)
    return facts, lawful


async def decision_facts(
    session: AsyncSession, person_ids: Sequence[uuid.UUID], now: datetime
) -> tuple[list[DecisionFacts], dict[uuid.UUID, tuple[str, str | None]]]:
    return decision_facts_from(
        await session.execute(DECISIONS_Q, {"ids": list(person_ids), "now": now})
    )


# --- reading ---


@dataclass(frozen=True, slots=True)
class RecordRow:
    """A record as the read path loads it (the columns RecordPublic shows)."""

    id: uuid.UUID
    holder_agency_id: uuid.UUID
    subject_person_id: uuid.UUID
    category: str
    level: str
    summary: str
    detail: str | None
    occurred_on: date
    source_practitioner_id: uuid.UUID | None
    supersedes_id: uuid.UUID | None
    correction_reason: str | None
    created_at: datetime


def record_columns(entity: Any = Record) -> list[Any]:
    """`RecordRow`'s columns, of `Record` or an alias of it."""
    return [col(getattr(entity, f)) for f in RecordRow.__dataclass_fields__]


RECORD_COLUMNS = record_columns()


def record_facts(
    record: RecordRow | Record, holder_sensitive: bool, lineage: frozenset[uuid.UUID] = frozenset()
) -> RecordFacts:
    return RecordFacts(
        record.id,
        record.holder_agency_id,
        record.subject_person_id,
        record.category,
        Level(record.level),
        holder_sensitive,
        lineage,
    )


LINEAGE_Q = sa.select(col(Record.id), col(Record.supersedes_id)).where(
    col(Record.subject_person_id).in_(P_IDS), col(Record.supersedes_id).is_not(None)
)


def lineages_from(rows: Iterable[Row]) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
    """For each corrected record, the ids of the versions it supersedes."""
    parent: dict[uuid.UUID, uuid.UUID] = dict(rows)
    result = {}
    for rid in parent:
        chain, current = set(), parent.get(rid)
        while current is not None and current not in chain:
            chain.add(current)
            current = parent.get(current)
        result[rid] = frozenset(chain)
    return result


def _superseded() -> Any:
    newer = aliased(Record)
    return ~sa.select(col(newer.id)).where(col(newer.supersedes_id) == Record.id).exists()


_RECORDS_BASE = (
    sa.select(*RECORD_COLUMNS, col(Agency.sensitive_service))
    .join_from(Record, Agency, col(Agency.id) == Record.holder_agency_id)
    .where(col(Record.subject_person_id).in_(P_IDS))
)
P_RECORD_IDS: sa.BindParameter[Any] = sa.bindparam("record_ids", expanding=True)
P_AFTER = sa.bindparam("after", type_=sa.Uuid)
# Each citation with the cited record as the read path loads it (and its holder's
# sensitive_service): whether the reader may see the citation is the policy's call on that record.
_CITED = aliased(Record)
_CITED_HOLDER = aliased(Agency)
CITATIONS_Q = (
    sa.select(
        col(RecordCitation.record_id),
        *record_columns(_CITED),
        col(_CITED_HOLDER.sensitive_service),
    )
    .join_from(RecordCitation, _CITED, col(_CITED.id) == RecordCitation.cited_record_id)
    .join(_CITED_HOLDER, col(_CITED_HOLDER.id) == _CITED.holder_agency_id)
    .where(
        col(RecordCitation.record_id).in_(
            sa.select(col(Record.id)).where(col(Record.subject_person_id).in_(P_IDS))
        )
    )
)
# Rule 1 without interest: the holder still sees its own records about the person.
_HELD = sa.exists().where(
    col(Record.holder_agency_id) == P_AGENCY, col(Record.subject_person_id) == P_PERSON
)
_HELD_MANY_Q = (
    sa.select(col(Record.subject_person_id))
    .where(col(Record.holder_agency_id) == P_AGENCY, col(Record.subject_person_id).in_(P_IDS))
    .distinct()
)


def _records_q(by_id: bool, after: bool) -> sa.Select[Any]:
    stmt = _RECORDS_BASE
    if by_id:
        # History is read by id, by its holder only: a correction may have changed the basis.
        stmt = stmt.where(
            col(Record.id).in_(P_RECORD_IDS),
            or_(col(Record.holder_agency_id) == P_AGENCY, _superseded()),
        )
    else:
        stmt = stmt.where(_superseded())
    if after:
        stmt = stmt.where(col(Record.id) > P_AFTER)
    return stmt


# --- the people around a child (a chronology's subjects besides the child) ---
# Those with parental responsibility for the child and the child's household: relationships
# recorded with the child that are current, and the members of the child's families.
_RELATIONSHIP_CURRENT = or_(
    col(Relationship.to_date).is_(None), col(Relationship.to_date) >= P_TODAY
)
AROUND_PARTS = {
    "around_relationships": sa.select(
        col(Relationship.person_id),
        col(Relationship.related_person_id),
        col(Relationship.kind),
        col(Relationship.parental_responsibility),
    ).where(
        or_(
            col(Relationship.related_person_id) == P_PERSON,
            col(Relationship.person_id) == P_PERSON,
        ),
        _RELATIONSHIP_CURRENT,
    ),
    "around_household": sa.select(col(FamilyMember.person_id)).where(
        col(FamilyMember.family_id).in_(
            sa.select(col(FamilyMember.family_id)).where(col(FamilyMember.person_id) == P_PERSON)
        ),
        col(FamilyMember.person_id) != P_PERSON,
    ),
}
_HOUSEHOLD = "household_member"
# The same people (and the child) as a subquery, for reading all their facts in the same
# round trip as the child's; `around_from` must agree with it.
_CHILD_AND_AROUND = sa.union(
    sa.select(sa.cast(P_PERSON, sa.Uuid)),
    sa.select(col(Relationship.person_id)).where(
        col(Relationship.related_person_id) == P_PERSON,
        col(Relationship.parental_responsibility).is_(True),
        _RELATIONSHIP_CURRENT,
    ),
    sa.select(col(Relationship.person_id)).where(
        col(Relationship.related_person_id) == P_PERSON,
        col(Relationship.kind) == _HOUSEHOLD,
        _RELATIONSHIP_CURRENT,
    ),
    sa.select(col(Relationship.related_person_id)).where(
        col(Relationship.person_id) == P_PERSON,
        col(Relationship.kind) == _HOUSEHOLD,
        _RELATIONSHIP_CURRENT,
    ),
    sa.select(col(FamilyMember.person_id)).where(
        col(FamilyMember.family_id).in_(
            sa.select(col(FamilyMember.family_id)).where(col(FamilyMember.person_id) == P_PERSON)
        )
    ),
).scalar_subquery()


def around_from(child_id: uuid.UUID, parts: dict[str, list[Row]]) -> dict[uuid.UUID, str]:
    """Each person around the child, with how they relate to the child."""
    around: dict[uuid.UUID, str] = {}
    for person_id, related_id, kind, pr in parts["around_relationships"]:
        if related_id == child_id and pr:
            around[person_id] = f"{kind} with parental responsibility"
        elif kind == _HOUSEHOLD:
            other = person_id if related_id == child_id else related_id
            around.setdefault(other, "household member")
    for (other,) in parts["around_household"]:
        around.setdefault(other, "household member")
    around.pop(child_id, None)
    return around


_AROUND = Combined(AROUND_PARTS)


async def people_around(session: AsyncSession, child_id: uuid.UUID) -> dict[uuid.UUID, str]:
    """Those with parental responsibility for the child, and the child's household (one query)."""
    stmt = _AROUND.statement(session.get_bind().dialect.name)
    row = (await session.execute(stmt, {"person": child_id, "today": utcnow().date()})).one()
    return around_from(child_id, _AROUND.decode(row))


def _with_ids(stmt: sa.Select[Any], ids: Any) -> sa.Select[Any]:
    """`stmt` reading the people of the subquery `ids` instead of the `ids` parameter."""

    def swap(element: Any, **kw: Any) -> Any:
        if isinstance(element, sa.BindParameter) and element.key == "ids":
            return ids
        return None  # not replaced: go on into it

    opts: dict[str, Any] = {}
    swapped = visitors.replacement_traverse(stmt, opts, swap)
    assert isinstance(swapped, sa.Select)
    return swapped


@dataclass
class ReadFacts:
    """Everything one read needs from the database, fetched in one round trip."""

    memberships: dict[uuid.UUID, frozenset[uuid.UUID]]
    interested: frozenset[uuid.UUID]  # the people read whom the caller has an interest in
    held: frozenset[uuid.UUID]  # ... and those it holds records about (rule 1)
    records: list[tuple[RecordRow, bool]]  # with the holder's sensitive_service
    people: dict[uuid.UUID, PersonFacts]
    consents: ConsentIndex
    decisions: list[DecisionFacts]
    decision_lawful: dict[uuid.UUID, tuple[str, str | None]]
    lineages: dict[uuid.UUID, frozenset[uuid.UUID]]
    citations: dict[uuid.UUID, list[tuple[RecordRow, bool]]]  # the records each one cites


_READ_PARTS = {
    "memberships": MEMBERSHIPS_Q,
    "profiles": PROFILES_Q,
    "competence": COMPETENCE_Q,
    "pr": PR_Q,
    "consents": CONSENTS_Q,
    "decisions": DECISIONS_Q,
    "lineages": LINEAGE_Q,
    "citations": CITATIONS_Q,
}
_READS = {
    (by_id, after): Combined(
        {**_READ_PARTS, "records": _records_q(by_id, after)},
        INTEREST.label("interest"),
        _HELD.label("held"),
    )
    for by_id in (False, True)
    for after in (False, True)
}
# Several people, each read as its own context (a conference pack's summaries).
_READ_MANY = Combined(
    {
        **_READ_PARTS,
        "records": _records_q(False, False),
        "interested": INTERESTED_Q,
        "held": _HELD_MANY_Q,
    }
)

# A child's chronology: the child's and the people around them's facts, with who they are.
_READ_CHRONOLOGY = Combined(
    {
        **{
            name: _with_ids(q, _CHILD_AND_AROUND)
            for name, q in {**_READ_PARTS, "records": _records_q(False, False)}.items()
        },
        **AROUND_PARTS,
    },
    INTEREST.label("interest"),
    _HELD.label("held"),
)


def _record_and_sensitive(row: Any) -> tuple[RecordRow, bool]:
    """A record's columns followed by its holder's sensitive_service, as the reads select them."""
    return RecordRow(*row[:-1]), bool(row[-1])


def _facts_from(
    parts: dict[str, list[Row]],
    ids: list[uuid.UUID],
    now: datetime,
    interested: frozenset[uuid.UUID],
    held: frozenset[uuid.UUID],
) -> ReadFacts:
    records = sorted(map(_record_and_sensitive, parts["records"]), key=lambda rs: rs[0].id)
    citations: dict[uuid.UUID, list[tuple[RecordRow, bool]]] = {}
    for record_id, *cited in parts["citations"]:
        citations.setdefault(record_id, []).append(_record_and_sensitive(cited))
    decisions, decision_lawful = decision_facts_from(parts["decisions"])
    return ReadFacts(
        memberships=memberships_from(parts["memberships"]),
        interested=interested,
        held=held,
        records=records,
        people=person_facts_from(
            ids, now.date(), parts["profiles"], parts["competence"], parts["pr"]
        ),
        consents=consent_facts_from(parts["consents"]),
        decisions=decisions,
        decision_lawful=decision_lawful,
        lineages=lineages_from(parts["lineages"]),
        citations=citations,
    )


async def load_read_facts(
    db: Db,
    agency_id: uuid.UUID,
    context_person_id: uuid.UUID,
    subject_ids: Sequence[uuid.UUID],
    now: datetime,
    record_ids: Sequence[uuid.UUID] | None,
    after: uuid.UUID | None,
) -> ReadFacts:
    combined = _READS[(record_ids is not None, after is not None)]
    stmt = combined.statement(db.dialect)
    ids = list(subject_ids)
    params = {**interest_params(agency_id, context_person_id, now), "ids": ids}
    if record_ids is not None:
        params["record_ids"] = list(record_ids)
    if after is not None:
        params["after"] = after
    row = await db.one(stmt, params)
    context = frozenset([context_person_id])
    return _facts_from(
        combined.decode(row),
        ids,
        now,
        interested=context if row["interest"] else frozenset(),
        held=context if row["held"] else frozenset(),
    )


async def load_chronology_facts(
    db: Db, agency_id: uuid.UUID, child_id: uuid.UUID, now: datetime
) -> tuple[ReadFacts, dict[uuid.UUID, str]]:
    """`load_read_facts` for a child and the people around them, found in the same statement."""
    stmt = _READ_CHRONOLOGY.statement(db.dialect)
    row = await db.one(stmt, interest_params(agency_id, child_id, now))
    parts = _READ_CHRONOLOGY.decode(row)
    around = around_from(child_id, parts)
    context = frozenset([child_id])
    facts = _facts_from(
        parts,
        [child_id, *around],
        now,
        interested=context if row["interest"] else frozenset(),
        held=context if row["held"] else frozenset(),
    )
    return facts, around


async def load_many_facts(
    session: AsyncSession, agency_id: uuid.UUID, person_ids: Sequence[uuid.UUID], now: datetime
) -> ReadFacts:
    """`load_read_facts` for several people at once, each its own context."""
    stmt = _READ_MANY.statement(session.get_bind().dialect.name)
    ids = list(person_ids)
    params = {**interest_params(agency_id, ids[0], now), "ids": ids}
    del params["person"]
    parts = _READ_MANY.decode((await session.execute(stmt, params)).one())
    return _facts_from(
        parts,
        ids,
        now,
        interested=frozenset(r[0] for r in parts["interested"]),
        held=frozenset(r[0] for r in parts["held"]),
    )


@dataclass
class Visible:
    record: RecordRow | Record
    decision: Decision
    cites: list[uuid.UUID] = field(default_factory=list)


@dataclass
class ReadResult:
    visible: list[Visible]
    withheld: Counter[str]
    generated_at: datetime
    has_more: bool = False
    around: dict[uuid.UUID, str] = field(default_factory=dict)  # a chronology's other people


def _evaluate(
    f: ReadFacts,
    request: Request,
    context_person_id: uuid.UUID,
    rows: list[tuple[RecordRow, bool]],
    limit: int | None,
) -> ReadResult:
    """The policy's answer for each record read in one context (a person, or a child and the
    people around them), in id order; `limit` + 1 tells whether there is more."""
    interest = context_person_id in f.interested
    if not interest:
        # Rule 1 still holds: the holder sees its own, even after its involvement ended; but
        # only about this person, not the people around them.
        rows = [
            (r, s)
            for r, s in rows
            if r.holder_agency_id == request.agency_id and r.subject_person_id == context_person_id
        ]
    visible: list[Visible] = []
    withheld: Counter[str] = Counter()
    for rec, sensitive in rows:
        d = decide(
            request,
            record_facts(rec, sensitive, f.lineages.get(rec.id, frozenset())),
            has_interest=interest,
            subject=f.people[rec.subject_person_id],
            consents=f.consents.facts,
            decisions=f.decisions,
        )
        if not d.permit:
            if not d.hidden and d.reason is not None:
                withheld[d.reason.value] += 1
            continue
        visible.append(Visible(rec, d))
        if limit is not None and len(visible) > limit:
            break  # one past the page tells there is more
    has_more = limit is not None and len(visible) > limit
    page = visible[:limit] if limit is not None else visible
    return ReadResult(page, withheld, request.now, has_more)


def _read_entry(
    principal: Principal,
    f: ReadFacts,
    result: ReadResult,
    context_person_id: uuid.UUID,
    purpose: str,
    endpoint: str,
    disclosures: list[dict[str, Any]],
    **detail: Any,
) -> AuditItem:
    """The read's audit entry; its disclosure rows are added to `disclosures`."""
    disclosed = [
        _disclosure_row(principal, v, purpose, endpoint, f.consents, f.decision_lawful, result)
        for v in result.visible
        if v.decision.basis != BasisKind.holder
    ]
    disclosures.extend(disclosed)
    return AuditItem(
        action=f"{endpoint}.read",
        object_type="person",
        object_id=context_person_id,
        subject_person_id=context_person_id,
        detail={
            "purpose": purpose,
            "disclosed": len(disclosed),
            "withheld": sum(result.withheld.values()),
            "policy_version": POLICY_VERSION,
            **detail,
        },
    )


def _no_interest(
    principal: Principal, endpoint: str, what: str, person_id: uuid.UUID, purpose: str
) -> NotFound:
    return NotFound(
        what,
        audit_refusal=RefusalAudit(
            principal,
            f"{endpoint}.read",
            "person",
            person_id,
            subject_person_id=person_id,
            detail={"purpose": purpose, "reason": "no_legitimate_interest"},
        ),
    )


async def read_records(
    session: AsyncSession,
    principal: Principal,
    *,
    context_person_id: uuid.UUID,
    subject_ids: Sequence[uuid.UUID] | None,
    purpose: str,
    endpoint: str,
    record_ids: Sequence[uuid.UUID] | None = None,
    after: uuid.UUID | None = None,
    limit: int | None = None,
) -> ReadResult:
    """Every current record about `subject_ids` the caller may see for `purpose`, in id order;
    `subject_ids` None: the child `context_person_id` and the people around them (a chronology;
    `ReadResult.around` tells who they are).

    Interest is the caller's interest in `context_person_id` (the child, for a chronology); each
    record needs its own subject's basis. No interest and nothing of its own: 404, audited.
    """
    assert principal.agency_id is not None
    now = utcnow()
    around: dict[uuid.UUID, str] = {}
    db = await Db.of(session)
    if subject_ids is None:
        f, around = await load_chronology_facts(db, principal.agency_id, context_person_id, now)
    else:
        f = await load_read_facts(
            db, principal.agency_id, context_person_id, subject_ids, now, record_ids, after
        )
    if context_person_id not in f.interested | f.held:
        raise _no_interest(
            principal, endpoint, "record" if record_ids else "person", context_person_id, purpose
        )
    request = Request(principal.agency_id, purpose, now, f.memberships, principal.practitioner_id)
    result = _evaluate(f, request, context_person_id, f.records, limit)
    await _attach_citations(session, result.visible, f, request, context_person_id in f.interested)
    disclosures: list[dict[str, Any]] = []
    entry = _read_entry(principal, f, result, context_person_id, purpose, endpoint, disclosures)
    await append_many(session, principal, [entry], disclosures, db=db)
    result.around = around
    return result


async def read_summaries(
    session: AsyncSession,
    principal: Principal,
    person_ids: Sequence[uuid.UUID],
    purpose: str,
    endpoint: str,
    also: AuditItem,
) -> dict[uuid.UUID, ReadResult | None]:
    """Each person's summary for the caller, as `read_records` gives it one person at a time,
    from one facts round trip; None where the caller has no interest and holds nothing. Each
    read has its own audit entry (access alerts count it as a look-up), written with `also`
    (the operation's own entry) and every disclosure row in one go."""
    assert principal.agency_id is not None
    results: dict[uuid.UUID, ReadResult | None] = {p: None for p in person_ids}
    if not person_ids:
        await append_many(session, principal, [also])
        return results
    now = utcnow()
    f = await load_many_facts(session, principal.agency_id, person_ids, now)
    request = Request(principal.agency_id, purpose, now, f.memberships, principal.practitioner_id)
    by_subject: dict[uuid.UUID, list[tuple[RecordRow, bool]]] = {p: [] for p in person_ids}
    for rs in f.records:
        by_subject[rs[0].subject_person_id].append(rs)
    entries: list[AuditItem] = [also]
    disclosures: list[dict[str, Any]] = []
    for person_id in person_ids:
        if person_id not in f.interested | f.held:
            continue
        result = _evaluate(f, request, person_id, by_subject[person_id], None)
        await _attach_citations(session, result.visible, f, request, person_id in f.interested)
        entries.append(_read_entry(principal, f, result, person_id, purpose, endpoint, disclosures))
        results[person_id] = result
    await append_many(session, principal, entries, disclosures)
    return results


def _disclosure_row(
    principal: Principal,
    v: Visible,
    purpose: str,
    endpoint: str,
    consents: ConsentIndex,
    decision_lawful: dict[uuid.UUID, tuple[str, str | None]],
    result: ReadResult,
) -> dict[str, Any]:
    basis = v.decision.basis
    a6, a9 = Article6Basis.public_task.value, None
    if basis == BasisKind.consent and v.decision.basis_id in consents.lawful:
        a6, a9 = consents.lawful[v.decision.basis_id]
    elif basis == BasisKind.decision and v.decision.basis_id in decision_lawful:
        a6, a9 = decision_lawful[v.decision.basis_id]
    if v.record.level != Level.special:
        a9 = None  # Article 9 conditions apply to special category data only
    return {
        "id": uuid.uuid4(),
        "request_id": request_id_var.get(),
        "disclosed_at": result.generated_at,
        "holder_agency_id": v.record.holder_agency_id,
        "recipient_agency_id": principal.agency_id,
        "recipient_practitioner_id": principal.practitioner_id,
        "recipient_client_id": principal.client_id,
        "record_id": v.record.id,
        "subject_person_id": v.record.subject_person_id,
        "purpose": purpose,
        "basis": basis.value if basis else "unknown",
        "basis_id": v.decision.basis_id,
        "article6_basis": a6,
        "article9_condition": a9,
        "endpoint": endpoint,
        "policy_version": v.decision.policy_version,
    }


async def _attach_citations(
    session: AsyncSession, page: list[Visible], f: ReadFacts, request: Request, interest: bool
) -> None:
    """A reader sees a citation only if it may see the cited record."""
    cited = [c for v in page for c in f.citations.get(v.record.id, ())]
    if not cited:
        return
    people, consents, decisions = f.people, f.consents, f.decisions
    missing = list({r.subject_person_id for r, _ in cited} - set(people))
    if missing:  # a record citing one about somebody else: their facts too
        people = {**people, **await person_facts(session, missing, request.now.date())}
        more = await consent_facts(session, missing)
        consents = ConsentIndex(consents.facts + more.facts, {**consents.lawful, **more.lawful})
        decisions = decisions + (await decision_facts(session, missing, request.now))[0]
    for v in page:
        for rec, sensitive in f.citations.get(v.record.id, ()):
            d = decide(
                request,
                record_facts(rec, sensitive),
                has_interest=interest,
                subject=people[rec.subject_person_id],
                consents=consents.facts,
                decisions=decisions,
            )
            if d.permit:
                v.cites.append(rec.id)


async def decide_for(
    session: AsyncSession,
    agency_id: uuid.UUID,
    purpose: str,
    records: Sequence[Record],
    interest_in: Collection[uuid.UUID] = (),
) -> list[Decision]:
    """What the policy would decide if `agency_id` read these records now (a holder checks, before
    it points records out to another agency, that each has a basis). `interest_in`: the people
    the act being checked gives the agency an interest in (a referral to it, not yet written)."""
    if not records:
        return []
    now = utcnow()
    memberships = await memberships_now(session, now)
    subjects = list({r.subject_person_id for r in records})
    interest = {
        s: s in interest_in or await has_interest(session, agency_id, s, now) for s in subjects
    }
    people = await person_facts(session, subjects, now.date())
    consents = await consent_facts(session, subjects)
    decisions, _ = await decision_facts(session, subjects, now)
    sensitive = {
        a: s
        for a, s in await session.execute(
            select(col(Agency.id), col(Agency.sensitive_service)).where(
                col(Agency.id).in_({r.holder_agency_id for r in records})
            )
        )
    }
    request = Request(agency_id, purpose, now, memberships)
    return [
        decide(
            request,
            record_facts(r, sensitive[r.holder_agency_id]),
            has_interest=interest[r.subject_person_id],
            subject=people[r.subject_person_id],
            consents=consents.facts,
            decisions=decisions,
        )
        for r in records
    ]
