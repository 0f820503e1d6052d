"""Consent statements: granted or refused, for a scope; a grant may be withdrawn."""

import uuid

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from app.conditional import etag, set_etag
from app.deps import AgencyPrincipalDep, CreatorDep, IfMatchHeader, SessionDep
from app.idempotency import Created
from app.models.sharing import ConsentCreate, ConsentPublic, ConsentWithdraw
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES, UPDATE_RESPONSES
from app.services import consents

router = APIRouter(prefix="/consents", tags=["consents"])


@router.post(
    "",
    status_code=201,
    response_model=ConsentPublic,
    responses=CREATE_RESPONSES,
    summary="Record a consent statement (granted or refused) by the people entitled to give it",
)
async def record_consent(
    body: ConsentCreate, session: SessionDep, principal: AgencyPrincipalDep, creator: CreatorDep
) -> JSONResponse:
    async def create() -> Created:
        st, subjects, writes = await consents.record_consent(session, principal, body)
        public = await consents.to_public(session, st, subjects)
        return Created(public, f"/consents/{st.id}", etag(st.id, st.version), writes=writes)

    return await creator(body, create, deferred=True)


@router.get("/{consent_id}", response_model=ConsentPublic, responses=READ_RESPONSES)
async def get_consent(
    consent_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep, response: Response
) -> ConsentPublic:
    st = await consents.get_consent(session, principal, consent_id)
    set_etag(response, st.id, st.version)
    return await consents.to_public(session, st)


@router.post(
    "/{consent_id}/withdrawal",
    response_model=ConsentPublic,
    responses=UPDATE_RESPONSES,
    summary="Withdraw a grant: disclosure on it stops at once",
)
async def withdraw_consent(
    consent_id: uuid.UUID,
    body: ConsentWithdraw,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ConsentPublic:
    st = await consents.withdraw_consent(session, principal, consent_id, body, if_match)
    set_etag(response, st.id, st.version)
    return await consents.to_public(session, st)
