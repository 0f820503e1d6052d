"""Reading across agencies: load a request's facts in a bounded number of queries, ask the policy
about every record, log every disclosure in the same transaction, count what was withheld.

This is the only path by which a record held by one agency reaches another.
"""

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import and_, insert, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from app.context import request_id_var
from app.db import utcnow
from app.errors import NotFound
from app.models.agency import Agency
from app.models.casework import Referral, ReferralStatus, ReferralSubject
from app.models.person import CompetenceAssessment, Involvement, PersonProfile, Relationship
from app.models.sharing import (
    Article6Basis,
    ConsentStatement,
    ConsentSubject,
    Disclosure,
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
from app.services.audit import RefusalAudit, append
from app.services.people import ADULT_AGE, age_on

GROUP_INTEREST_WINDOW = timedelta(days=365)


def _ids(values: Iterable[str]) -> frozenset[uuid.UUID]:
    return frozenset(uuid.UUID(v) for v in values)


# --- facts ---


async def memberships_now(
    session: AsyncSession, now: datetime
) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
    rows = await session.execute(
        select(GroupMembership.agency_id, GroupMembership.group_id).where(
            col(GroupMembership.joined_at) <= now,
            or_(col(GroupMembership.left_at).is_(None), col(GroupMembership.left_at) > now),
        )
    )
    groups: dict[uuid.UUID, set[uuid.UUID]] = {}
    for agency_id, group_id in rows:
        groups.setdefault(agency_id, set()).add(group_id)
    return {a: frozenset(g) for a, g in groups.items()}


async def has_interest(
    session: AsyncSession,
    agency_id: uuid.UUID,
    person_id: uuid.UUID,
    now: datetime,
    memberships: dict[uuid.UUID, frozenset[uuid.UUID]],
) -> bool:
    """Rule 2 (decision 0006): an active involvement; a referral to the agency that is sent or
    accepted; or a group the agency belongs to now that had the person on a meeting's agenda in
    the last 12 months or accepted a referral for them."""
    involved = await session.execute(
        select(Involvement.id)
        .where(
            Involvement.agency_id == agency_id,
            Involvement.person_id == person_id,
            or_(col(Involvement.ended_at).is_(None), col(Involvement.ended_at) > now),
        )
        .limit(1)
    )
    if involved.first() is not None:
        return True
    groups = memberships.get(agency_id, frozenset())
    referral_to_it = or_(
        and_(
            col(Referral.to_agency_id) == agency_id,
            col(Referral.status).in_([ReferralStatus.sent.value, ReferralStatus.accepted.value]),
        ),
        and_(
            col(Referral.to_group_id).in_(groups),
            col(Referral.status) == ReferralStatus.accepted.value,
        ),
    )
    referred = await session.execute(
        select(Referral.id)
        .join(ReferralSubject, col(ReferralSubject.referral_id) == Referral.id)
        .where(ReferralSubject.person_id == person_id, referral_to_it)
        .limit(1)
    )
    if referred.first() is not None:
        return True
    if not groups:
        return False
    on_agenda = await session.execute(
        select(GroupAgendaEntry.id)
        .where(
            col(GroupAgendaEntry.group_id).in_(groups),
            GroupAgendaEntry.person_id == person_id,
            col(GroupAgendaEntry.meeting_on) >= (now - GROUP_INTEREST_WINDOW).date(),
            col(GroupAgendaEntry.meeting_on) <= now.date(),
        )
        .limit(1)
    )
    return on_agenda.first() is not None


async def person_facts(
    session: AsyncSession, person_ids: Sequence[uuid.UUID], today: date
) -> dict[uuid.UUID, PersonFacts]:
    """Who may speak for each person, as each agency recorded it (see PersonFacts). Uses every
    agency's facts; none of them is disclosed."""
    ids = list(person_ids)
    views: dict[uuid.UUID, dict[uuid.UUID, dict[str, Any]]] = {pid: {} for pid in ids}

    def view(pid: uuid.UUID, agency: uuid.UUID) -> dict[str, Any]:
        return views[pid].setdefault(agency, {"is_child": None, "competent": None, "pr": set()})

    for pid, agency, kind, born in await session.execute(
        select(
            col(PersonProfile.person_id),
            col(PersonProfile.agency_id),
            col(PersonProfile.kind),
            col(PersonProfile.date_of_birth),
        ).where(col(PersonProfile.person_id).in_(ids))
    ):
        if kind == "unborn":
            view(pid, agency)["is_child"] = True
        elif born is not None:
            view(pid, agency)["is_child"] = age_on(born, today) < ADULT_AGE
    latest: dict[tuple[uuid.UUID, uuid.UUID], tuple[date, datetime]] = {}
    for pid, agency, on, at, ok in await session.execute(
        sa.select(
            col(CompetenceAssessment.person_id),
            col(CompetenceAssessment.agency_id),
            col(CompetenceAssessment.assessed_on),
            col(CompetenceAssessment.created_at),
            col(CompetenceAssessment.competent),
        ).where(col(CompetenceAssessment.person_id).in_(ids))
    ):
        if (pid, agency) not in latest or (on, at) > latest[(pid, agency)]:
            latest[(pid, agency)] = (on, at)
            view(pid, agency)["competent"] = ok
    for holder, child_id, agency in await session.execute(
        select(
            col(Relationship.person_id),
            col(Relationship.related_person_id),
            col(Relationship.agency_id),
        ).where(
            col(Relationship.related_person_id).in_(ids),
            col(Relationship.parental_responsibility).is_(True),
            or_(col(Relationship.to_date).is_(None), col(Relationship.to_date) >= today),
        )
    ):
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


@dataclass
class ConsentIndex:
    facts: list[ConsentFacts]
    lawful: dict[uuid.UUID, tuple[str, str | None]]  # statement id: (Article 6, Article 9)


async def consent_facts(session: AsyncSession, person_ids: Sequence[uuid.UUID]) -> ConsentIndex:
    rows = await session.execute(
        select(
            ConsentStatement, ConsentSubject.subject_person_id, ConsentSubject.given_by_person_id
        )
        .join(ConsentSubject, col(ConsentSubject.statement_id) == ConsentStatement.id)
        .where(col(ConsentSubject.subject_person_id).in_(list(person_ids)))
    )
    index = ConsentIndex([], {})
    for st, subject, giver in rows:
        index.facts.append(
            ConsentFacts(
                id=st.id,
                granted=st.decision == "granted",
                subject_person_id=subject,
                given_by_person_id=giver,
                stated_at=st.given_at,
                holders=_ids(st.holders),
                holder_groups=_ids(st.holder_groups),
                recipients=_ids(st.recipients),
                recipient_groups=_ids(st.recipient_groups),
                purposes=frozenset(st.purposes),
                categories=frozenset(st.categories),
                expires_at=st.expires_at,
                withdrawn_at=st.withdrawn_at,
                show_involvement=st.show_involvement,
                recorded_by_agency_id=st.recorded_by_agency_id,
            )
        )
        index.lawful[st.id] = (st.article6_basis, st.article9_condition)
    return index


async def decision_facts(
    session: AsyncSession, person_ids: Sequence[uuid.UUID], now: datetime
) -> tuple[list[DecisionFacts], dict[uuid.UUID, tuple[str, str | None]]]:
    rows = await session.execute(
        select(SharingDecision).where(
            col(SharingDecision.subject_person_id).in_(list(person_ids)),
            or_(col(SharingDecision.ended_at).is_(None), col(SharingDecision.ended_at) > now),
        )
    )
    facts, lawful = [], {}
    for d in rows.scalars():
        facts.append(
            DecisionFacts(
                id=d.id,
                share=d.kind == "share",
                holder_agency_id=d.holder_agency_id,
                subject_person_id=d.subject_person_id,
                decided_at=d.decided_at,
                recipients=_ids(d.recipients),
                recipient_groups=_ids(d.recipient_groups),
                purposes=frozenset(d.purposes),
                categories=frozenset(d.categories),
                record_ids=_ids(d.record_ids),
                expires_at=d.expires_at,
                ended_at=d.ended_at,
            )
        )
        lawful[d.id] = (d.article6_basis, d.article9_condition)
    return facts, lawful


# --- reading ---


def record_facts(
    record: Record, holder_sensitive: bool, lineage: frozenset[uuid.UUID] = frozenset()
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


async def lineages(
    session: AsyncSession, subject_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
    """For each corrected record, the ids of the versions it supersedes (one query)."""
    parent = {
        rid: sid
        for rid, sid in await session.execute(
            select(col(Record.id), col(Record.supersedes_id)).where(
                col(Record.subject_person_id).in_(list(subject_ids)),
                col(Record.supersedes_id).is_not(None),
            )
        )
    }
    result = {}
    for rid in parent:
        chain, current = set(), parent.get(rid)
        while current is not None and current not in chain:
            chain.add(current)
            current = parent.get(current)
        result[rid] = frozenset(chain)
    return result


@dataclass
class Visible:
    record: Record
    decision: Decision
    cites: list[uuid.UUID] = field(default_factory=list)


@dataclass
class ReadResult:
    visible: list[Visible]
    withheld: Counter[str]
    generated_at: datetime
    has_more: bool = False


def _superseded() -> Any:
    newer = aliased(Record)
    return ~select(newer.id).where(newer.supersedes_id == Record.id).exists()


async def read_records(
    session: AsyncSession,
    principal: Principal,
    *,
    context_person_id: uuid.UUID,
    subject_ids: Sequence[uuid.UUID],
    purpose: str,
    endpoint: str,
    record_ids: Sequence[uuid.UUID] | None = None,
    after: uuid.UUID | None = None,
    limit: int | None = None,
) -> ReadResult:
    """Every current record about `subject_ids` the caller may see for `purpose`, in id order.

    Interest is the caller's interest in `context_person_id` (the child, for a chronology); each
    record needs its own subject's basis. No interest and nothing of its own: 404, audited.
    """
    assert principal.agency_id is not None
    agency_id = principal.agency_id
    now = utcnow()
    memberships = await memberships_now(session, now)
    interest = await has_interest(session, agency_id, context_person_id, now, memberships)
    refusal = NotFound(
        "record" if record_ids else "person",
        audit_refusal=RefusalAudit(
            principal,
            f"{endpoint}.read",
            "person",
            context_person_id,
            subject_person_id=context_person_id,
            detail={"purpose": purpose, "reason": "no_legitimate_interest"},
        ),
    )
    stmt = (
        select(Record, Agency.sensitive_service)
        .join(Agency, col(Agency.id) == Record.holder_agency_id)
        .where(col(Record.subject_person_id).in_(list(subject_ids)))
        .order_by(col(Record.id))
    )
    if record_ids is not None:
        # History is read by id, by its holder only: a correction may have changed the basis.
        stmt = stmt.where(
            col(Record.id).in_(list(record_ids)),
            or_(col(Record.holder_agency_id) == agency_id, _superseded()),
        )
    else:
        stmt = stmt.where(_superseded())
    if after is not None:
        stmt = stmt.where(col(Record.id) > after)
    if not interest:
        # Rule 1 still holds: the holder sees its own, even after its involvement ended; but
        # only about this person, not the people around them.
        stmt = stmt.where(
            Record.holder_agency_id == agency_id, Record.subject_person_id == context_person_id
        )
        held = await session.execute(
            select(Record.id)
            .where(
                Record.holder_agency_id == agency_id,
                Record.subject_person_id == context_person_id,
            )
            .limit(1)
        )
        if held.first() is None:
            raise refusal
    rows = (await session.execute(stmt)).all()
    people = await person_facts(session, subject_ids, now.date())
    consents = await consent_facts(session, subject_ids)
    decisions, decision_lawful = await decision_facts(session, subject_ids, now)
    versions = await lineages(session, subject_ids)
    request = Request(agency_id, purpose, now, memberships)

    visible: list[Visible] = []
    withheld: Counter[str] = Counter()
    disclosures: list[dict[str, Any]] = []
    for rec, sensitive in rows:
        facts = record_facts(rec, sensitive, versions.get(rec.id, frozenset()))
        d = decide(
            request,
            facts,
            has_interest=interest,
            subject=people[rec.subject_person_id],
            consents=consents.facts,
            decisions=decisions,
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
    for v in page:
        if v.decision.basis != BasisKind.holder:
            disclosures.append(
                _disclosure_row(principal, v, purpose, endpoint, consents, decision_lawful, now)
            )
    await _attach_citations(
        session, principal, page, people, consents, decisions, request, interest
    )
    if disclosures:
        await session.execute(insert(Disclosure), disclosures)
    await append(
        session,
        principal,
        action=f"{endpoint}.read",
        object_type="person",
        object_id=context_person_id,
        subject_person_id=context_person_id,
        detail={
            "purpose": purpose,
            "disclosed": len(disclosures),
            "withheld": sum(withheld.values()),
            "policy_version": POLICY_VERSION,
        },
    )
    return ReadResult(page, withheld, now, has_more)


def _disclosure_row(
    principal: Principal,
    v: Visible,
    purpose: str,
    endpoint: str,
    consents: ConsentIndex,
    decision_lawful: dict[uuid.UUID, tuple[str, str | None]],
    now: datetime,
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
        "disclosed_at": now,
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
    session: AsyncSession,
    principal: Principal,
    page: list[Visible],
    people: dict[uuid.UUID, PersonFacts],
    consents: ConsentIndex,
    decisions: list[DecisionFacts],
    request: Request,
    interest: bool,
) -> None:
    """A reader sees a citation only if it may see the cited record."""
    if not page:
        return
    by_record: dict[uuid.UUID, list[uuid.UUID]] = {}
    for record_id, cited_id in await session.execute(
        select(RecordCitation.record_id, RecordCitation.cited_record_id).where(
            col(RecordCitation.record_id).in_([v.record.id for v in page])
        )
    ):
        by_record.setdefault(record_id, []).append(cited_id)
    cited_ids = {c for cs in by_record.values() for c in cs}
    if not cited_ids:
        return
    cited = {
        r.id: (r, s)
        for r, s in await session.execute(
            select(Record, Agency.sensitive_service)
            .join(Agency, col(Agency.id) == Record.holder_agency_id)
            .where(col(Record.id).in_(cited_ids))
        )
    }
    missing = {r.subject_person_id for r, _ in cited.values()} - set(people)
    if missing:
        people = {**people, **await person_facts(session, list(missing), request.now.date())}
        more = await consent_facts(session, list(missing))
        consents = ConsentIndex(consents.facts + more.facts, {**consents.lawful, **more.lawful})
        decisions = decisions + (await decision_facts(session, list(missing), request.now))[0]
    for v in page:
        for cited_id in by_record.get(v.record.id, []):
            rec, sensitive = cited[cited_id]
            facts = record_facts(rec, sensitive)
            d = decide(
                request,
                facts,
                has_interest=interest,
                subject=people[rec.subject_person_id],
                consents=consents.facts,
                decisions=decisions,
            )
            if d.permit:
                v.cites.append(cited_id)


async def decide_for(
    session: AsyncSession, agency_id: uuid.UUID, purpose: str, records: Sequence[Record]
) -> list[Decision]:
    """What the policy would decide if `agency_id` read these records now (a holder checks, before
    it points records out to another agency, that each has a basis)."""
    if not records:
        return []
    now = utcnow()
    memberships = await memberships_now(session, now)
    subjects = list({r.subject_person_id for r in records})
    interest = {s: await has_interest(session, agency_id, s, now, memberships) for s in subjects}
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
