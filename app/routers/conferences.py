"""Case conferences and meetings."""

import uuid

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from app.conditional import etag, set_etag
from app.deps import AgencyPrincipalDep, CreatorDep, SessionDep
from app.idempotency import Created
from app.models.conferences import (
    ConferenceAttendanceIn,
    ConferenceCreate,
    ConferenceNoteIn,
    ConferencePack,
    ConferencePublic,
)
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES
from app.services import conferences

router = APIRouter(prefix="/conferences", tags=["conferences"])


@router.post("", status_code=201, response_model=ConferencePublic, responses=CREATE_RESPONSES)
async def create_conference(
    body: ConferenceCreate, session: SessionDep, principal: AgencyPrincipalDep, creator: CreatorDep
) -> JSONResponse:
    async def create() -> Created:
        c = await conferences.create_conference(session, principal, body)
        public = await conferences.to_public(session, principal, c)
        return Created(public, f"/conferences/{c.id}", etag(c.id, c.version))

    return await creator(body, create)


@router.get("/{conference_id}", response_model=ConferencePublic, responses=READ_RESPONSES)
async def get_conference(
    conference_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep, response: Response
) -> ConferencePublic:
    c = await conferences.visible_conference(session, principal, conference_id)
    set_etag(response, c.id, c.version)
    return await conferences.to_public(session, principal, c)


@router.post(
    "/{conference_id}/notes",
    response_model=ConferencePublic,
    responses=CREATE_RESPONSES,
    summary="Record your agency's contribution, or a decision of the meeting",
)
async def add_note(
    conference_id: uuid.UUID,
    body: ConferenceNoteIn,
    session: SessionDep,
    principal: AgencyPrincipalDep,
) -> ConferencePublic:
    c = await conferences.add_note(session, principal, conference_id, body)
    return await conferences.to_public(session, principal, c)


@router.post(
    "/{conference_id}/attendees",
    response_model=ConferencePublic,
    responses=CREATE_RESPONSES,
    summary="Record practitioners who attended, each of an attending agency",
)
async def record_attendance(
    conference_id: uuid.UUID,
    body: ConferenceAttendanceIn,
    session: SessionDep,
    principal: AgencyPrincipalDep,
) -> ConferencePublic:
    c = await conferences.record_attendance(session, principal, conference_id, body)
    return await conferences.to_public(session, principal, c)


@router.get(
    "/{conference_id}/pack",
    response_model=ConferencePack,
    responses=READ_RESPONSES,
    summary="Your agency's pack: each person on the agenda as the policy lets your agency see them",
)
async def conference_pack(
    conference_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep
) -> ConferencePack:
    return await conferences.pack(session, principal, conference_id)
