"""The OAuth 2.0 token endpoint for machine clients (client credentials + JWT assertion)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request

from app.deps import SessionDep, SettingsDep
from app.models.identity import TokenResponse
from app.ratelimit import enforce_rate_limit
from app.routers.responses import CREATE_RESPONSES
from app.services import tokens

router = APIRouter(tags=["auth"])


@router.post(
    "/oauth2/token",
    response_model=TokenResponse,
    responses={400: CREATE_RESPONSES[422], 401: CREATE_RESPONSES[401], 429: CREATE_RESPONSES[429]},
    summary="Exchange a signed client assertion (RFC 7523) for an access token",
)
async def token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    grant_type: Annotated[str, Form(max_length=100)],
    client_assertion_type: Annotated[str, Form(max_length=200)],
    client_assertion: Annotated[str, Form(max_length=8000)],
    practitioner_id: Annotated[uuid.UUID, Form(description="The practitioner the client acts for")],
) -> TokenResponse:
    client_ip = request.client.host if request.client else "unknown"
    await enforce_rate_limit(
        request.app.state.rate_limiter, f"token:{client_ip}", settings.token_rate_limit
    )
    return await tokens.issue_token(
        session,
        settings,
        grant_type=grant_type,
        client_assertion_type=client_assertion_type,
        client_assertion=client_assertion,
        practitioner_id=practitioner_id,
    )
