"""Families and households as an agency records them."""

import uuid
from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.errors import Conflict, Invalid, NotFound
from app.models.person import (
    Family,
    FamilyCreate,
    FamilyMember,
    FamilyMemberIn,
    FamilyPublic,
    FamilyUpdate,
)
from app.pagination import Pagination, keyset
from app.principal import Principal
from app.services import audit
from app.services.audit import RefusalAudit
from app.services.people import agency_of, own_profile
from app.services.versioning import update_versioned


async def _members(
    session: AsyncSession, family_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[FamilyMemberIn]]:
    by_family: dict[uuid.UUID, list[FamilyMemberIn]] = {fid: [] for fid in family_ids}
    if family_ids:
        rows = await session.execute(
            select(FamilyMember)
            .where(col(FamilyMember.family_id).in_(family_ids))
            .order_by(col(FamilyMember.created_at))
        )
        for m in rows.scalars():
            by_family[m.family_id].append(FamilyMemberIn(person_id=m.person_id, role=m.role))
    return by_family


def to_public(family: Family, members: list[FamilyMemberIn]) -> FamilyPublic:
    return FamilyPublic(
        id=family.id,
        name=family.name,
        members=members,
        version=family.version,
        created_at=family.created_at,
    )


async def shape(session: AsyncSession, families: Sequence[Family]) -> list[FamilyPublic]:
    members = await _members(session, [f.id for f in families])
    return [to_public(f, members[f.id]) for f in families]


async def create_family(session: AsyncSession, principal: Principal, data: FamilyCreate) -> Family:
    agency_id = agency_of(principal)
    seen = set()
    for m in data.members:
        if m.person_id in seen:
            raise Invalid("A person appears twice in members.", field="body:/members")
        seen.add(m.person_id)
        await own_profile(session, principal, m.person_id, action="family.create")
    family = Family(agency_id=agency_id, name=data.name)
    session.add(family)
    await session.flush()
    for m in data.members:
        session.add(FamilyMember(family_id=family.id, person_id=m.person_id, role=m.role))
    await session.flush()
    await audit.append(
        session, principal, action="family.create", object_type="family", object_id=family.id
    )
    return family


async def get_family(session: AsyncSession, principal: Principal, family_id: uuid.UUID) -> Family:
    family = await session.get(Family, family_id)
    if family is None or family.agency_id != agency_of(principal):
        raise NotFound(
            "family", audit_refusal=RefusalAudit(principal, "family.read", "family", family_id)
        )
    return family


async def list_families(
    session: AsyncSession, principal: Principal, page: Pagination
) -> Sequence[Family]:
    stmt = keyset(
        select(Family).where(Family.agency_id == agency_of(principal)),
        Family.id,
        page,
        page.after_uuid(),
    )
    return list((await session.execute(stmt)).scalars())


async def update_family(
    session: AsyncSession,
    principal: Principal,
    family_id: uuid.UUID,
    data: FamilyUpdate,
    if_match: str | None,
) -> Family:
    family = await get_family(session, principal, family_id)
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is None:
        raise Invalid("name may not be null.", field="body:/name")
    family = await update_versioned(session, family, changes, if_match)
    await audit.append(
        session, principal, action="family.update", object_type="family", object_id=family.id
    )
    return family


async def add_member(
    session: AsyncSession,
    principal: Principal,
    family_id: uuid.UUID,
    data: FamilyMemberIn,
    if_match: str | None,
) -> Family:
    family = await get_family(session, principal, family_id)
    await own_profile(session, principal, data.person_id, action="family.update")
    exists = await session.get(FamilyMember, {"family_id": family_id, "person_id": data.person_id})
    if exists is not None:
        raise Conflict("The person is already a member of this family.", field="body:/person_id")
    family = await update_versioned(session, family, {}, if_match)
    session.add(FamilyMember(family_id=family_id, person_id=data.person_id, role=data.role))
    await session.flush()
    await audit.append(
        session,
        principal,
        action="family.member.add",
        object_type="family",
        object_id=family.id,
        subject_person_id=data.person_id,
    )
    return family


async def remove_member(
    session: AsyncSession,
    principal: Principal,
    family_id: uuid.UUID,
    person_id: uuid.UUID,
    if_match: str | None,
) -> Family:
    family = await get_family(session, principal, family_id)
    exists = await session.get(FamilyMember, {"family_id": family_id, "person_id": person_id})
    if exists is None:
        raise NotFound("family member")
    family = await update_versioned(session, family, {}, if_match)
    await session.execute(
        delete(FamilyMember).where(
            col(FamilyMember.family_id) == family_id, col(FamilyMember.person_id) == person_id
        )
    )
    await audit.append(
        session,
        principal,
        action="family.member.remove",
        object_type="family",
        object_id=family.id,
        subject_person_id=person_id,
    )
    return family
