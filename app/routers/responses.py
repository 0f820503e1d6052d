"""OpenAPI descriptions of the problem responses shared by the routers."""

from typing import Any

from fastapi import Response
from pydantic import BaseModel
from sqlmodel import SQLModel


def encoded(model: BaseModel) -> Response:
    """The model as JSON, encoded once by pydantic. A route that returns a model has FastAPI
    dump it and validate it again against its response model; the hot reads, whose models the
    services built and validated already, skip that (the route keeps `response_model` for docs)."""
    return Response(model.model_dump_json(), media_type="application/json")


class Problem(SQLModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[dict[str, Any]] | None = None


def _p(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "model": Problem,
        "content": {"application/problem+json": {}},
    }


AUTH: dict[int | str, dict[str, Any]] = {
    401: _p("No valid credential"),
    403: _p("Not allowed for this caller"),
    429: _p("Rate limited"),
}
READ_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH,
    404: _p("Unknown, or not visible to the caller"),
    422: _p("Invalid request"),
}
CREATE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **READ_RESPONSES,
    409: _p("Conflicts with the current state"),
    413: _p("Request too large"),
}
UPDATE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **CREATE_RESPONSES,
    412: _p("If-Match is stale"),
    428: _p("If-Match is required"),
}
