"""Liveness and readiness."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.deps import SessionMakerDep
from app.errors import problem

router = APIRouter(tags=["health"])


@router.get("/health", summary="Liveness: the process answers")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/ready",
    summary="Readiness: the database is reachable",
    responses={503: {"description": "The database is not reachable"}},
)
async def ready(request: Request, maker: SessionMakerDep) -> JSONResponse:
    try:
        async with maker() as session:
            await session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means not ready
        return problem(
            request,
            503,
            "unavailable",
            "Service unavailable",
            "The database is not reachable.",
            headers={"Retry-After": "5"},
        )
    return JSONResponse({"status": "ready"})
