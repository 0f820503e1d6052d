"""Early help assessments (the Common Assessment Framework, CAF)."""

import uuid

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from app.conditional import etag, set_etag
from app.deps import AgencyPrincipalDep, CreatorDep, IfMatchHeader, SessionDep
from app.idempotency import Created
from app.models.casework import CafCreate, CafPublic, CafTransition
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES, UPDATE_RESPONSES
from app.services import caf

router = APIRouter(prefix="/early-help-assessments", tags=["early help assessment (CAF)"])


@router.post("", status_code=201, response_model=CafPublic, responses=CREATE_RESPONSES)
async def propose(
    body: CafCreate, session: SessionDep, principal: AgencyPrincipalDep, creator: CreatorDep
) -> JSONResponse:
    async def create() -> Created:
        a = await caf.propose(session, principal, body)
        return Created(
            CafPublic.model_validate(a), f"/early-help-assessments/{a.id}", etag(a.id, a.version)
        )

    return await creator(body, create)


@router.get(
    "/{caf_id}",
    response_model=CafPublic,
    responses=READ_RESPONSES,
    summary="An early help assessment: its holder's, or another agency's when the sharing rules "
    "let it read the holder's social care information about the child for an early help "
    "assessment (logged as a disclosure)",
)
async def get_caf(
    caf_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep, response: Response
) -> CafPublic:
    a = await caf.get(session, principal, caf_id)
    set_etag(response, a.id, a.version)
    return CafPublic.model_validate(a)


@router.post(
    "/{caf_id}/transitions",
    response_model=CafPublic,
    responses=UPDATE_RESPONSES,
    summary="Move the assessment on: consent sought or refused, in progress, completed, closed",
)
async def transition(
    caf_id: uuid.UUID,
    body: CafTransition,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> CafPublic:
    a = await caf.transition(session, principal, caf_id, body, if_match)
    set_etag(response, a.id, a.version)
    return CafPublic.model_validate(a)
