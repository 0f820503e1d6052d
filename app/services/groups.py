"""Multi-agency groups (a JAG, a family support service): dated membership, and the agendas that
bring a person or family within the group's work."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.db import utcnow
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.models.agency import Agency
from app.models.identity import AccessRole
from app.models.person import FamilyMember
from app.models.sharing import (
    AgencyGroup,
    AgendaAdd,
    AgendaEntryPublic,
    GroupAgendaEntry,
    GroupCreate,
    GroupMembership,
    GroupPublic,
    GroupUpdate,
    MembershipPublic,
)
from app.pagination import Pagination, keyset
from app.principal import Principal
from app.services import audit
from app.services.consents import ensure_agencies
from app.services.families import get_family
from app.services.people import agency_of, own_profile
from app.services.sharing import memberships_now
from app.services.versioning import update_versioned


def ensure_chairs(principal: Principal, group: AgencyGroup | None, chair: uuid.UUID) -> None:
    """The platform admin, or an administrator of the chairing agency, runs a group."""
    if principal.is_platform_admin:
        return
    if principal.agency_id == chair and principal.has(AccessRole.agency_admin):
        return
    raise Forbidden("Only an administrator of the chairing agency may change this group.")


async def shape(
    session: AsyncSession, principal: Principal, groups: Sequence[AgencyGroup]
) -> list[GroupPublic]:
    """Members are shown to members (and the platform admin) only: a team around a family can
    include a sensitive service, whose involvement must not show."""
    members: dict[uuid.UUID, list[MembershipPublic]] = {g.id: [] for g in groups}
    if groups:
        rows = await session.execute(
            select(GroupMembership)
            .where(col(GroupMembership.group_id).in_(list(members)))
            .order_by(col(GroupMembership.joined_at))
        )
        for m in rows.scalars():
            members[m.group_id].append(
                MembershipPublic(agency_id=m.agency_id, joined_at=m.joined_at, left_at=m.left_at)
            )

    def shown(group_id: uuid.UUID) -> list[MembershipPublic]:
        current = {m.agency_id for m in members[group_id] if m.left_at is None}
        return (
            members[group_id]
            if principal.is_platform_admin or principal.agency_id in current
            else []
        )

    return [GroupPublic.model_validate({**g.model_dump(), "members": shown(g.id)}) for g in groups]


async def create_group(
    session: AsyncSession, principal: Principal, data: GroupCreate
) -> AgencyGroup:
    ensure_chairs(principal, None, data.chair_agency_id)
    founders = list(
        dict.fromkeys([data.chair_agency_id, *filter(None, [data.deputy_agency_id]), *data.members])
    )
    await ensure_agencies(session, founders, "body:/members")
    group = AgencyGroup(
        name=data.name,
        kind=data.kind.value,
        chair_agency_id=data.chair_agency_id,
        deputy_agency_id=data.deputy_agency_id,
        purposes=[p.value for p in data.purposes],
        legal_gateway=data.legal_gateway.value,
        agreement=data.agreement,
    )
    session.add(group)
    await session.flush()
    for agency_id in founders:
        session.add(GroupMembership(group_id=group.id, agency_id=agency_id))
    await session.flush()
    await audit.append(
        session,
        principal,
        action="group.create",
        object_type="agency_group",
        object_id=group.id,
        detail={"members": [str(a) for a in founders]},
    )
    return group


async def get_group(session: AsyncSession, group_id: uuid.UUID) -> AgencyGroup:
    group = await session.get(AgencyGroup, group_id)
    if group is None:
        raise NotFound("group")
    return group


async def list_groups(session: AsyncSession, page: Pagination) -> list[AgencyGroup]:
    stmt = keyset(select(AgencyGroup), AgencyGroup.id, page, page.after_uuid())
    return list((await session.execute(stmt)).scalars())


async def update_group(
    session: AsyncSession,
    principal: Principal,
    group_id: uuid.UUID,
    data: GroupUpdate,
    if_match: str | None,
) -> AgencyGroup:
    group = await get_group(session, group_id)
    ensure_chairs(principal, group, group.chair_agency_id)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if changes.get("name", "x") is None or changes.get("chair_agency_id", 1) is None:
        raise Invalid("name and chair_agency_id may not be null.", field="body")
    if "purposes" in changes:
        if not changes["purposes"]:
            raise Invalid("A group needs at least one purpose.", field="body:/purposes")
        changes["purposes"] = [p.value if hasattr(p, "value") else p for p in changes["purposes"]]
    for key in ("chair_agency_id", "deputy_agency_id"):
        if changes.get(key) is not None:
            await ensure_agencies(session, [changes[key]], f"body:/{key}")
    group = await update_versioned(session, group, changes, if_match)
    await audit.append(
        session,
        principal,
        action="group.update",
        object_type="agency_group",
        object_id=group.id,
        detail={"fields": sorted(changes)},
    )
    return group


async def add_member(
    session: AsyncSession,
    principal: Principal,
    group_id: uuid.UUID,
    agency_id: uuid.UUID,
    if_match: str | None,
) -> AgencyGroup:
    group = await get_group(session, group_id)
    ensure_chairs(principal, group, group.chair_agency_id)
    await ensure_agencies(session, [agency_id], "body:/agency_id")
    current = await memberships_now(session, utcnow())
    if group_id in current.get(agency_id, frozenset()):
        raise Conflict("The agency is already a member.", field="body:/agency_id")
    group = await update_versioned(session, group, {}, if_match)
    session.add(GroupMembership(group_id=group_id, agency_id=agency_id))
    await session.flush()
    await audit.append(
        session,
        principal,
        action="group.member.add",
        object_type="agency_group",
        object_id=group_id,
        detail={"agency_id": str(agency_id)},
    )
    return group


async def end_membership(
    session: AsyncSession,
    principal: Principal,
    group_id: uuid.UUID,
    agency_id: uuid.UUID,
    if_match: str | None,
) -> AgencyGroup:
    group = await get_group(session, group_id)
    ensure_chairs(principal, group, group.chair_agency_id)
    now = utcnow()
    membership = (
        await session.execute(
            select(GroupMembership).where(
                GroupMembership.group_id == group_id,
                GroupMembership.agency_id == agency_id,
                col(GroupMembership.left_at).is_(None),
            )
        )
    ).scalar_one_or_none()
    if membership is None:
        raise NotFound("membership")
    group = await update_versioned(session, group, {}, if_match)
    membership.left_at = now
    await session.flush()
    await audit.append(
        session,
        principal,
        action="group.member.end",
        object_type="agency_group",
        object_id=group_id,
        detail={"agency_id": str(agency_id)},
    )
    return group


async def ensure_member(session: AsyncSession, principal: Principal, group_id: uuid.UUID) -> None:
    current = await memberships_now(session, utcnow())
    if group_id not in current.get(agency_of(principal), frozenset()):
        raise NotFound("group")


async def add_to_agenda(
    session: AsyncSession, principal: Principal, group_id: uuid.UUID, data: AgendaAdd
) -> list[GroupAgendaEntry]:
    await get_group(session, group_id)
    await ensure_member(session, principal, group_id)
    if data.person_id is not None:
        await own_profile(session, principal, data.person_id, action="group.agenda.add")
        people = [data.person_id]
    else:
        assert data.family_id is not None
        await get_family(session, principal, data.family_id)
        people = list(
            (
                await session.execute(
                    select(col(FamilyMember.person_id)).where(
                        FamilyMember.family_id == data.family_id
                    )
                )
            ).scalars()
        )
    entries = [
        GroupAgendaEntry(
            group_id=group_id,
            person_id=p,
            family_id=data.family_id,
            meeting_on=data.meeting_on,
            reason=data.reason,
            added_by_agency_id=agency_of(principal),
            added_by=principal.practitioner_id,
        )
        for p in people
    ]
    session.add_all(entries)
    await session.flush()
    for e in entries:
        await audit.append(
            session,
            principal,
            action="group.agenda.add",
            object_type="agency_group",
            object_id=group_id,
            subject_person_id=e.person_id,
            detail={"meeting_on": e.meeting_on.isoformat()},
        )
    return entries


async def list_agenda(
    session: AsyncSession, principal: Principal, group_id: uuid.UUID, page: Pagination
) -> list[GroupAgendaEntry]:
    await get_group(session, group_id)
    await ensure_member(session, principal, group_id)
    stmt = select(GroupAgendaEntry).where(GroupAgendaEntry.group_id == group_id)
    stmt = keyset(stmt, GroupAgendaEntry.id, page, page.after_uuid())
    return list((await session.execute(stmt)).scalars())


async def agenda_public(
    session: AsyncSession, principal: Principal, entries: Sequence[GroupAgendaEntry]
) -> list[AgendaEntryPublic]:
    """A sensitive service's entries show neither who added them nor why, to other members."""
    adders = {e.added_by_agency_id for e in entries}
    sensitive = set(
        (
            await session.execute(
                select(col(Agency.id)).where(
                    col(Agency.id).in_(adders), col(Agency.sensitive_service).is_(True)
                )
            )
        ).scalars()
    )
    public = []
    for e in entries:
        item = AgendaEntryPublic.model_validate(e)
        if e.added_by_agency_id in sensitive and e.added_by_agency_id != principal.agency_id:
            item.added_by_agency_id = None
            item.reason = None
        public.append(item)
    return public
