"""Action plans and reviews."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from app.conditional import etag, set_etag
from app.deps import AgencyPrincipalDep, CreatorDep, IfMatchHeader, PaginationDep, SessionDep
from app.idempotency import Created
from app.models.plans import (
    ActionCreate,
    ActionPublic,
    ActionTransition,
    ReviewCreate,
    ReviewOutcome,
    ReviewPublic,
)
from app.pagination import Page, make_page
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES, UPDATE_RESPONSES
from app.services import plans

router = APIRouter(tags=["plans and reviews"])


@router.post("/actions", status_code=201, response_model=ActionPublic, responses=CREATE_RESPONSES)
async def create_action(
    body: ActionCreate, session: SessionDep, principal: AgencyPrincipalDep, creator: CreatorDep
) -> JSONResponse:
    async def create() -> Created:
        a = await plans.create_action(session, principal, body)
        return Created(plans.action_public(a), f"/actions/{a.id}", etag(a.id, a.version))

    return await creator(body, create)


@router.get(
    "/actions",
    response_model=Page[ActionPublic],
    responses=READ_RESPONSES,
    summary="Actions your agency recorded or owns, and your groups' actions (overdue is flagged)",
)
async def list_actions(
    session: SessionDep,
    principal: AgencyPrincipalDep,
    page: PaginationDep,
    child_id: Annotated[uuid.UUID | None, Query()] = None,
    group_id: Annotated[
        uuid.UUID | None, Query(description="only this group's actions (its plan)")
    ] = None,
    conference_id: Annotated[
        uuid.UUID | None, Query(description="only the actions agreed at this conference")
    ] = None,
) -> Page[ActionPublic]:
    rows = await plans.list_actions(session, principal, page, child_id, group_id, conference_id)
    return make_page(rows, page, plans.action_public, lambda a: a.id)


@router.get("/actions/{action_id}", response_model=ActionPublic, responses=READ_RESPONSES)
async def get_action(
    action_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep, response: Response
) -> ActionPublic:
    a = await plans.visible_action(session, principal, action_id)
    set_etag(response, a.id, a.version)
    return plans.action_public(a)


@router.post(
    "/actions/{action_id}/transitions", response_model=ActionPublic, responses=UPDATE_RESPONSES
)
async def move_action(
    action_id: uuid.UUID,
    body: ActionTransition,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ActionPublic:
    a = await plans.move_action(session, principal, action_id, body, if_match)
    set_etag(response, a.id, a.version)
    return plans.action_public(a)


@router.post("/reviews", status_code=201, response_model=ReviewPublic, responses=CREATE_RESPONSES)
async def create_review(
    body: ReviewCreate, session: SessionDep, principal: AgencyPrincipalDep, creator: CreatorDep
) -> JSONResponse:
    async def create() -> Created:
        r = await plans.create_review(session, principal, body)
        public = await plans.shape_review(session, r)
        return Created(public, f"/reviews/{r.id}", etag(r.id, r.version))

    return await creator(body, create)


@router.get(
    "/reviews",
    response_model=Page[ReviewPublic],
    responses=READ_RESPONSES,
    summary="Your agency's reviews and the joint reviews naming your practitioners, or a group's "
    "reviews (group_id, its current members only); overdue=true lists the overdue ones",
)
async def list_reviews(
    session: SessionDep,
    principal: AgencyPrincipalDep,
    page: PaginationDep,
    overdue: Annotated[bool, Query()] = False,
    group_id: Annotated[
        uuid.UUID | None,
        Query(description="a group's reviews instead of your agency's (members only)"),
    ] = None,
) -> Page[ReviewPublic]:
    rows = await plans.list_reviews(session, principal, page, overdue, group_id)
    named = await plans.review_participants(session, [r.id for r in rows])
    return make_page(rows, page, lambda r: plans.review_public(r, named[r.id]), lambda r: r.id)


@router.get("/reviews/{review_id}", response_model=ReviewPublic, responses=READ_RESPONSES)
async def get_review(
    review_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep, response: Response
) -> ReviewPublic:
    r = await plans.visible_review(session, principal, review_id)
    set_etag(response, r.id, r.version)
    return await plans.shape_review(session, r)


@router.post(
    "/reviews/{review_id}/outcome",
    response_model=ReviewPublic,
    responses=UPDATE_RESPONSES,
    summary="Record a review done (with its outcome) or missed; a recurring one schedules the next",
)
async def record_review(
    review_id: uuid.UUID,
    body: ReviewOutcome,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ReviewPublic:
    r, following = await plans.record_review(session, principal, review_id, body, if_match)
    set_etag(response, r.id, r.version)
    return await plans.shape_review(session, r, following.id if following else None)
