"""Who the caller is, as Confer sees it."""

import uuid

from fastapi import APIRouter
from sqlmodel import SQLModel

from app.deps import PrincipalDep
from app.models.identity import AccessRole
from app.principal import PrincipalKind
from app.routers.responses import READ_RESPONSES

router = APIRouter(tags=["auth"])


class Me(SQLModel):
    kind: PrincipalKind
    agency_id: uuid.UUID | None
    practitioner_id: uuid.UUID | None
    client_id: uuid.UUID | None
    roles: list[AccessRole]


@router.get("/me", response_model=Me, responses=READ_RESPONSES)
async def me(principal: PrincipalDep) -> Me:
    return Me(
        kind=principal.kind,
        agency_id=principal.agency_id,
        practitioner_id=principal.practitioner_id,
        client_id=principal.client_id,
        roles=sorted(principal.roles),
    )
