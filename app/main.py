"""The FastAPI application: routers, error handlers, middleware, offline docs."""

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.config import Settings, get_settings
from app.db import make_engine, make_sessionmaker
from app.errors import install_error_handlers
from app.logging import configure_logging
from app.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from app.ratelimit import make_rate_limiter
from app.routers import (
    agencies,
    audit,
    caf,
    child_status,
    clients,
    conferences,
    consents,
    decisions,
    disclosures,
    families,
    follow_ups,
    groups,
    health,
    involvements,
    me,
    people,
    plans,
    practitioners,
    records,
    referrals,
    relationships,
    requests,
    token,
)
from app.routers.responses import Problem
from app.services.audit_chain import seal

log = logging.getLogger("confer.sealer")

DESCRIPTION = """
Confer lets the agencies around a child and family share the right information, with the right
people, for the right reason, and records every decision. See the README for a walk-through.

Every error is an RFC 9457 problem (`application/problem+json`). Creations accept an
`Idempotency-Key`; updates of shared objects need `If-Match` with the ETag last read.
"""


def create_app(settings: Settings | None = None, engine: AsyncEngine | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    owns_engine = engine is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        sealer = None
        if app.state.engine.dialect.name == "postgresql":
            sealer = asyncio.create_task(seal_forever(app.state.sessionmaker, settings))
        # What startup built lives as long as the worker: keep it out of the collector's full
        # passes, whose pauses would otherwise land on whichever requests are in flight.
        gc.collect()
        gc.freeze()
        yield
        if sealer is not None:
            sealer.cancel()
        if owns_engine:
            await app.state.engine.dispose()

    app = FastAPI(
        title="Confer",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.database_url)
    app.state.sessionmaker = make_sessionmaker(app.state.engine)
    app.state.rate_limiter = make_rate_limiter(settings.rate_limit_storage_url)

    install_error_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware)

    # A request is matched against the routers in this order, route by route (about 2 µs a
    # route): the hot paths' routers come first. No path a router serves could be taken by a
    # route of another router, so the order decides nothing else.
    for module in (
        people,
        consents,
        referrals,
        records,
        conferences,
        health,
        token,
        me,
        agencies,
        practitioners,
        clients,
        relationships,
        families,
        decisions,
        groups,
        requests,
        involvements,
        caf,
        child_status,
        plans,
        follow_ups,
        disclosures,
        audit,
    ):
        app.include_router(module.router)
    _install_offline_docs(app)
    _install_openapi(app)
    return app


async def seal_forever(maker: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    """PostgreSQL: chain new audit entries shortly after they commit (one sealer at a time)."""
    while True:
        try:
            async with maker() as session:
                await seal(session)
                await session.commit()
        except asyncio.CancelledError:
            raise
        except Exception:  # the database may be down; try again next round
            log.warning("audit sealing failed; retrying", exc_info=True)
        await asyncio.sleep(settings.seal_interval_seconds)


def _install_offline_docs(app: FastAPI) -> None:
    """Swagger UI and ReDoc from the fastapi-offline package: no CDN, works on a closed network."""
    static = str(files("fastapi_offline") / "static")
    app.mount("/static/docs", StaticFiles(directory=static), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Confer API",
            swagger_js_url="/static/docs/swagger-ui-bundle.js",
            swagger_css_url="/static/docs/swagger-ui.css",
            swagger_favicon_url="/static/docs/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json",
            title="Confer API",
            redoc_js_url="/static/docs/redoc.standalone.js",
            redoc_favicon_url="/static/docs/favicon.png",
            with_google_fonts=False,
        )


def _install_openapi(app: FastAPI) -> None:
    """Problem responses get their schema under application/problem+json."""
    base = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = base()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = Problem.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        ref = {"$ref": "#/components/schemas/Problem"}
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for status, response in operation.get("responses", {}).items():
                    if status.startswith(("4", "5")):
                        response["content"] = {"application/problem+json": {"schema": ref}}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
