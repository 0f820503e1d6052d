"""People as the caller's agency knows them."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from app.conditional import etag, set_etag
from app.deps import AgencyPrincipalDep, CreatorDep, IfMatchHeader, PaginationDep, SessionDep
from app.errors import Invalid
from app.idempotency import Created
from app.models.person import (
    AddressCreate,
    AddressPublic,
    CompetenceCreate,
    CompetencePublic,
    PersonPublic,
    PersonRegister,
    PersonUpdate,
    RelationshipPublic,
)
from app.models.sharing import (
    Chronology,
    ConsentPublic,
    RecordPublic,
    SharedSummary,
    SharingDecisionPublic,
)
from app.nhs_number import normalise_nhs_number
from app.pagination import Page, make_page
from app.routers.records import PurposeQuery
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES, UPDATE_RESPONSES, encoded
from app.services import consents, decisions, people, reads

router = APIRouter(prefix="/people", tags=["people"])


@router.post(
    "",
    status_code=201,
    response_model=PersonPublic,
    responses=CREATE_RESPONSES,
    summary="Register a person your agency works with (creates its involvement, with the reason)",
)
async def register_person(
    body: PersonRegister, session: SessionDep, principal: AgencyPrincipalDep, creator: CreatorDep
) -> JSONResponse:
    async def create() -> Created:
        profile = await people.register_person(session, principal, body)
        return Created(
            people.to_public(profile),
            f"/people/{profile.person_id}",
            etag(profile.id, profile.version),
        )

    return await creator(body, create)


@router.get(
    "",
    response_model=Page[PersonPublic],
    responses=READ_RESPONSES,
    summary="People your agency registered",
)
async def list_people(
    session: SessionDep,
    principal: AgencyPrincipalDep,
    page: PaginationDep,
    nhs_number: Annotated[str | None, Query(max_length=20)] = None,
) -> Page[PersonPublic]:
    if nhs_number is not None:
        try:
            nhs_number = normalise_nhs_number(nhs_number)
        except ValueError as exc:
            raise Invalid(str(exc), field="query:/nhs_number") from exc
    rows = await people.list_people(session, principal, page, nhs_number)
    return make_page(rows, page, people.to_public, lambda p: p.id)


@router.get("/{person_id}", response_model=PersonPublic, responses=READ_RESPONSES)
async def get_person(
    person_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep, response: Response
) -> PersonPublic:
    profile = await people.own_profile(session, principal, person_id)
    set_etag(response, profile.id, profile.version)
    return people.to_public(profile)


@router.patch("/{person_id}", response_model=PersonPublic, responses=UPDATE_RESPONSES)
async def update_person(
    person_id: uuid.UUID,
    body: PersonUpdate,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> PersonPublic:
    profile = await people.update_person(session, principal, person_id, body, if_match)
    set_etag(response, profile.id, profile.version)
    return people.to_public(profile)


@router.post(
    "/{person_id}/addresses",
    status_code=201,
    response_model=AddressPublic,
    responses=CREATE_RESPONSES,
)
async def add_address(
    person_id: uuid.UUID,
    body: AddressCreate,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    creator: CreatorDep,
) -> JSONResponse:
    async def create() -> Created:
        address = await people.add_address(session, principal, person_id, body)
        return Created(
            AddressPublic.model_validate(address), f"/people/{person_id}/addresses/{address.id}"
        )

    return await creator(body, create)


@router.get("/{person_id}/addresses", response_model=Page[AddressPublic], responses=READ_RESPONSES)
async def list_addresses(
    person_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep, page: PaginationDep
) -> Page[AddressPublic]:
    rows = await people.list_addresses(session, principal, person_id, page)
    return make_page(rows, page, AddressPublic.model_validate, lambda a: a.id)


@router.post(
    "/{person_id}/competence",
    status_code=201,
    response_model=CompetencePublic,
    responses=CREATE_RESPONSES,
    summary="Record a child's competence to consent (Gillick/Fraser)",
)
async def record_competence(
    person_id: uuid.UUID,
    body: CompetenceCreate,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    creator: CreatorDep,
) -> JSONResponse:
    async def create() -> Created:
        a = await people.record_competence(session, principal, person_id, body)
        return Created(CompetencePublic.model_validate(a), f"/people/{person_id}/competence/{a.id}")

    return await creator(body, create)


@router.get(
    "/{person_id}/competence", response_model=Page[CompetencePublic], responses=READ_RESPONSES
)
async def list_competence(
    person_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep, page: PaginationDep
) -> Page[CompetencePublic]:
    rows = await people.list_competence(session, principal, person_id, page)
    return make_page(rows, page, CompetencePublic.model_validate, lambda a: a.id)


@router.get(
    "/{person_id}/relationships", response_model=Page[RelationshipPublic], responses=READ_RESPONSES
)
async def list_relationships(
    person_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep, page: PaginationDep
) -> Page[RelationshipPublic]:
    rows = await people.list_relationships(session, principal, person_id, page)
    return make_page(rows, page, RelationshipPublic.model_validate, lambda r: r.id)


@router.get(
    "/{person_id}/summary",
    response_model=SharedSummary,
    responses=READ_RESPONSES,
    summary="The shared summary: your records and those other agencies may share with you",
)
async def shared_summary(
    person_id: uuid.UUID, purpose: PurposeQuery, session: SessionDep, principal: AgencyPrincipalDep
) -> Response:
    return encoded(await reads.summary(session, principal, person_id, purpose))


@router.get("/{person_id}/records", response_model=Page[RecordPublic], responses=READ_RESPONSES)
async def list_records(
    person_id: uuid.UUID,
    purpose: PurposeQuery,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    page: PaginationDep,
) -> Page[RecordPublic]:
    return await reads.records_page(session, principal, person_id, purpose, page)


@router.get(
    "/{person_id}/chronology",
    response_model=Chronology,
    responses=READ_RESPONSES,
    summary="The child's chronology, with the records of the people around the child",
)
async def chronology(
    person_id: uuid.UUID, purpose: PurposeQuery, session: SessionDep, principal: AgencyPrincipalDep
) -> Response:
    return encoded(await reads.chronology(session, principal, person_id, purpose))


@router.get("/{person_id}/consents", response_model=Page[ConsentPublic], responses=READ_RESPONSES)
async def list_consents(
    person_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep, page: PaginationDep
) -> Page[ConsentPublic]:
    rows = await consents.list_consents(session, principal, person_id, page)
    shaped = {st.id: await consents.to_public(session, st) for st in rows}
    return make_page(rows, page, lambda st: shaped[st.id], lambda st: st.id)


@router.get(
    "/{person_id}/sharing-decisions",
    response_model=Page[SharingDecisionPublic],
    responses=READ_RESPONSES,
)
async def list_decisions(
    person_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep, page: PaginationDep
) -> Page[SharingDecisionPublic]:
    rows = await decisions.list_decisions(session, principal, person_id, page)
    shaped = {d.id: await decisions.to_public(session, d) for d in rows}
    return make_page(rows, page, lambda d: shaped[d.id], lambda d: d.id)
