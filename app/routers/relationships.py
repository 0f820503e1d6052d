"""Relationships between people, as the caller's agency records them."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.conditional import etag
from app.deps import AgencyPrincipalDep, CreatorDep, SessionDep
from app.idempotency import Created
from app.models.person import RelationshipCreate, RelationshipPublic
from app.routers.responses import CREATE_RESPONSES
from app.services import people

router = APIRouter(prefix="/relationships", tags=["people"])


@router.post(
    "",
    status_code=201,
    response_model=RelationshipPublic,
    responses=CREATE_RESPONSES,
    summary="Record a relationship (parent with or without parental responsibility, partner, ...)",
)
async def create_relationship(
    body: RelationshipCreate,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    creator: CreatorDep,
) -> JSONResponse:
    async def create() -> Created:
        r = await people.create_relationship(session, principal, body)
        return Created(
            RelationshipPublic.model_validate(r), f"/relationships/{r.id}", etag(r.id, r.version)
        )

    return await creator(body, create)
