"""People as each agency knows them: registration, profile, addresses, competence, relationships.

An agency's answers carry only what that agency recorded. Registering an NHS number another agency
already registered links to the same person, silently: the caller learns nothing it did not send.
"""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.conditional import check_if_match
from app.db import utcnow
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.models.person import (
    Address,
    AddressCreate,
    CompetenceAssessment,
    CompetenceCreate,
    Involvement,
    InvolvementSource,
    Person,
    PersonProfile,
    PersonProfileBase,
    PersonPublic,
    PersonRegister,
    PersonUpdate,
    Relationship,
    RelationshipCreate,
    check_profile,
)
from app.pagination import Pagination, keyset
from app.principal import Principal
from app.services import audit
from app.services.audit import RefusalAudit
from app.services.versioning import update_versioned

ADULT_AGE = 18


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def to_public(profile: PersonProfile, today: date | None = None) -> PersonPublic:
    today = today or date.today()
    is_child: bool | None
    if profile.kind == "unborn":
        is_child = True
    elif profile.date_of_birth is not None:
        is_child = age_on(profile.date_of_birth, today) < ADULT_AGE
    else:
        is_child = None
    return PersonPublic(
        **PersonProfileBase.model_validate(profile, from_attributes=True).model_dump(),
        id=profile.person_id,
        is_child=is_child,
        version=profile.version,
        created_at=profile.created_at,
    )


def agency_of(principal: Principal) -> uuid.UUID:
    if principal.agency_id is None:
        raise Forbidden("This operation needs a caller from an agency.")
    return principal.agency_id


async def _person_for_nhs_number(session: AsyncSession, nhs_number: str | None) -> Person:
    if nhs_number is not None:
        found = (
            await session.execute(select(Person).where(Person.nhs_number == nhs_number))
        ).scalar_one_or_none()
        if found is not None:
            return found
    person = Person(nhs_number=nhs_number)
    try:
        async with session.begin_nested():
            session.add(person)
            await session.flush()
    except IntegrityError:
        # Another agency registered the same NHS number a moment ago: link to theirs.
        return (
            await session.execute(select(Person).where(Person.nhs_number == nhs_number))
        ).scalar_one()
    return person


async def _person_of_interest(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID
) -> Person:
    """A person the caller's agency may register by id: one it has a legitimate interest in.
    Anyone else does not exist for it (404, audited), as everywhere."""
    from app.services.sharing import has_interest  # sharing builds on this module

    person = await session.get(Person, person_id)
    if person is None or not await has_interest(session, agency_of(principal), person_id, utcnow()):
        raise NotFound(
            "person",
            field="body:/person_id",
            audit_refusal=RefusalAudit(
                principal, "person.register", "person", person_id, subject_person_id=person_id
            ),
        )
    return person


async def register_person(
    session: AsyncSession, principal: Principal, data: PersonRegister
) -> PersonProfile:
    agency_id = agency_of(principal)
    if data.person_id is not None:
        person = await _person_of_interest(session, principal, data.person_id)
    else:
        person = await _person_for_nhs_number(session, data.nhs_number)
    already = (
        await session.execute(
            select(PersonProfile.id).where(
                PersonProfile.person_id == person.id, PersonProfile.agency_id == agency_id
            )
        )
    ).scalar_one_or_none()
    if already is not None:
        raise Conflict(
            "Your agency has already registered this person.",
            field="body:/person_id" if data.person_id else "body:/nhs_number",
            person_id=str(person.id),
        )
    profile = PersonProfile(
        person_id=person.id,
        agency_id=agency_id,
        registered_by=principal.practitioner_id,
        # Only what the caller sent: registering by id reveals nothing another agency recorded.
        **data.model_dump(exclude={"reason", "person_id"}),
    )
    session.add(profile)
    session.add(
        Involvement(
            agency_id=agency_id,
            person_id=person.id,
            practitioner_id=principal.practitioner_id,
            source=InvolvementSource.registration,
            reason=data.reason,
        )
    )
    await session.flush()
    await audit.append(
        session,
        principal,
        action="person.register",
        object_type="person",
        object_id=person.id,
        subject_person_id=person.id,
    )
    return profile


async def own_profile(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, action: str = "person.read"
) -> PersonProfile:
    """The caller agency's profile of a person, or 404 (audited) when it has none."""
    agency_id = agency_of(principal)
    profile = (
        await session.execute(
            select(PersonProfile).where(
                PersonProfile.person_id == person_id, PersonProfile.agency_id == agency_id
            )
        )
    ).scalar_one_or_none()
    if profile is None:
        raise NotFound(
            "person",
            audit_refusal=RefusalAudit(
                principal, action, "person", person_id, subject_person_id=person_id
            ),
        )
    return profile


async def own_profiles(
    session: AsyncSession,
    principal: Principal,
    person_ids: Sequence[uuid.UUID],
    action: str = "person.read",
) -> None:
    """Each person has a profile of the caller's agency, or 404 (audited) for the first that does
    not: own_profile for many people in one query."""
    known = set(
        (
            await session.execute(
                select(col(PersonProfile.person_id)).where(
                    PersonProfile.agency_id == agency_of(principal),
                    col(PersonProfile.person_id).in_(list(person_ids)),
                )
            )
        ).scalars()
    )
    require_known(principal, person_ids, known, action)


def require_known(
    principal: Principal, person_ids: Sequence[uuid.UUID], known: set[uuid.UUID], action: str
) -> None:
    """404 (audited) for the first of `person_ids` the caller's agency has no profile of."""
    for person_id in person_ids:
        if person_id not in known:
            raise NotFound(
                "person",
                audit_refusal=RefusalAudit(
                    principal, action, "person", person_id, subject_person_id=person_id
                ),
            )


async def list_people(
    session: AsyncSession, principal: Principal, page: Pagination, nhs_number: str | None
) -> Sequence[PersonProfile]:
    stmt = select(PersonProfile).where(PersonProfile.agency_id == agency_of(principal))
    if nhs_number is not None:
        stmt = stmt.where(PersonProfile.nhs_number == nhs_number)
    stmt = keyset(stmt, PersonProfile.id, page, page.after_uuid())
    return list((await session.execute(stmt)).scalars())


async def _anchor_nhs_number(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, nhs_number: str
) -> None:
    """Give the person (the identity anchor) the NHS number learned later (an unborn baby, after
    birth), so that another agency registering it reaches this person, as registration links.

    Two people are never merged here: if another person already has the number, 409.
    """
    person = await session.get(Person, person_id)
    assert person is not None  # the caller has a profile of them
    if person.nhs_number == nhs_number:
        return  # another agency gave it already: only the caller's own profile changes
    if person.nhs_number is not None:
        raise Conflict("This person already has a different NHS number.", field="body:/nhs_number")
    other = (
        await session.execute(select(Person.id).where(Person.nhs_number == nhs_number))
    ).scalar_one_or_none()
    if other is None:
        try:
            async with session.begin_nested():
                person.nhs_number = nhs_number
                await session.flush()
            return
        except IntegrityError:
            # Another agency registered the same NHS number a moment ago.
            other = (
                await session.execute(select(Person.id).where(Person.nhs_number == nhs_number))
            ).scalar_one()
    # The caller learns the other person's id only if it registered them itself.
    mine = (
        await session.execute(
            select(PersonProfile.id).where(
                PersonProfile.person_id == other,
                PersonProfile.agency_id == agency_of(principal),
            )
        )
    ).scalar_one_or_none()
    named: dict[str, Any] = {"person_id": str(other)} if mine is not None else {}
    raise Conflict(
        "Another person already has this NHS number: people are not merged by an update.",
        field="body:/nhs_number",
        **named,
    )


async def update_person(
    session: AsyncSession,
    principal: Principal,
    person_id: uuid.UUID,
    data: PersonUpdate,
    if_match: str | None,
) -> PersonProfile:
    profile = await own_profile(session, principal, person_id, action="person.update")
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if changes.get("kind", "x") is None or changes.get("date_of_birth_estimated", False) is None:
        raise Invalid("kind and date_of_birth_estimated may not be null.", field="body")
    if "nhs_number" in changes and changes["nhs_number"] is None:
        raise Invalid("An NHS number, once given, is not removed.", field="body:/nhs_number")
    merged = PersonProfileBase.model_validate({**profile.model_dump(warnings=False), **changes})
    try:
        check_profile(merged)
    except ValueError as exc:
        raise Invalid(str(exc), field="body") from exc
    if changes.get("nhs_number") is not None and changes["nhs_number"] != profile.nhs_number:
        check_if_match(if_match, profile.id, profile.version)
        await _anchor_nhs_number(session, principal, person_id, changes["nhs_number"])
    changes["updated_at"] = utcnow()
    profile = await update_versioned(session, profile, changes, if_match)
    await audit.append(
        session,
        principal,
        action="person.update",
        object_type="person",
        object_id=person_id,
        subject_person_id=person_id,
        detail={"fields": sorted(k for k in changes if k != "updated_at")},
    )
    return profile


async def add_address(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, data: AddressCreate
) -> Address:
    await own_profile(session, principal, person_id, action="address.create")
    address = Address(
        person_id=person_id,
        agency_id=agency_of(principal),
        recorded_by=principal.practitioner_id,
        **data.model_dump(),
    )
    session.add(address)
    await session.flush()
    await audit.append(
        session,
        principal,
        action="address.create",
        object_type="address",
        object_id=address.id,
        subject_person_id=person_id,
        detail={"confidential": address.confidential},
    )
    return address


async def list_addresses(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, page: Pagination
) -> Sequence[Address]:
    await own_profile(session, principal, person_id)
    stmt = select(Address).where(
        Address.person_id == person_id, Address.agency_id == agency_of(principal)
    )
    return list(
        (await session.execute(keyset(stmt, Address.id, page, page.after_uuid()))).scalars()
    )


async def record_competence(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, data: CompetenceCreate
) -> CompetenceAssessment:
    profile = await own_profile(session, principal, person_id, action="competence.create")
    if principal.practitioner_id is None:
        raise Forbidden("Competence is assessed by a practitioner.")
    if profile.date_of_birth and age_on(profile.date_of_birth, data.assessed_on) >= ADULT_AGE:
        raise Invalid(
            "Competence is recorded for children; adults consent for themselves.",
            field="body:/assessed_on",
        )
    if data.assessed_on > date.today():
        raise Invalid("assessed_on is in the future.", field="body:/assessed_on")
    assessment = CompetenceAssessment(
        person_id=person_id,
        agency_id=agency_of(principal),
        assessed_by=principal.practitioner_id,
        **data.model_dump(),
    )
    session.add(assessment)
    await session.flush()
    await audit.append(
        session,
        principal,
        action="competence.create",
        object_type="competence_assessment",
        object_id=assessment.id,
        subject_person_id=person_id,
    )
    return assessment


async def list_competence(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, page: Pagination
) -> Sequence[CompetenceAssessment]:
    await own_profile(session, principal, person_id)
    stmt = select(CompetenceAssessment).where(
        CompetenceAssessment.person_id == person_id,
        CompetenceAssessment.agency_id == agency_of(principal),
    )
    stmt = keyset(stmt, CompetenceAssessment.id, page, page.after_uuid())
    return list((await session.execute(stmt)).scalars())


async def create_relationship(
    session: AsyncSession, principal: Principal, data: RelationshipCreate
) -> Relationship:
    await own_profile(session, principal, data.person_id, action="relationship.create")
    await own_profile(session, principal, data.related_person_id, action="relationship.create")
    relationship = Relationship(
        agency_id=agency_of(principal), recorded_by=principal.practitioner_id, **data.model_dump()
    )
    session.add(relationship)
    await session.flush()
    await audit.append(
        session,
        principal,
        action="relationship.create",
        object_type="relationship",
        object_id=relationship.id,
        subject_person_id=data.related_person_id,
    )
    return relationship


async def list_relationships(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, page: Pagination
) -> Sequence[Relationship]:
    await own_profile(session, principal, person_id)
    stmt = select(Relationship).where(
        Relationship.agency_id == agency_of(principal),
        or_(
            col(Relationship.person_id) == person_id,
            col(Relationship.related_person_id) == person_id,
        ),
    )
    stmt = keyset(stmt, Relationship.id, page, page.after_uuid())
    return list((await session.execute(stmt)).scalars())
