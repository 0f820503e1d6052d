"""One error hierarchy, rendered by one handler as RFC 9457 problem details."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://confer.example/problems/"
log = logging.getLogger("confer.errors")


class ConferError(Exception):
    status = 500
    slug = "internal-error"
    title = "Internal error"

    def __init__(
        self,
        detail: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
        audit_refusal: Any = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        # Set on refused accesses: get_session writes it after rolling the request back.
        self.audit_refusal = audit_refusal
        self.detail = detail
        self.field = field
        self.headers = headers or {}
        self.extra = extra


class NotAuthenticated(ConferError):
    status, slug, title = 401, "not-authenticated", "Not authenticated"

    def __init__(self, detail: str = "A valid credential is required.", **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kw)


class Forbidden(ConferError):
    status, slug, title = 403, "forbidden", "Forbidden"


class NotFound(ConferError):
    """Unknown, or not visible to the caller: the two are never told apart."""

    status, slug, title = 404, "not-found", "Not found"

    def __init__(self, what: str = "resource", **kw: Any) -> None:
        super().__init__(f"No such {what}.", **kw)


class Conflict(ConferError):
    status, slug, title = 409, "conflict", "Conflict"


class PreconditionFailed(ConferError):
    status, slug, title = 412, "precondition-failed", "Precondition failed"


class PreconditionRequired(ConferError):
    status, slug, title = 428, "precondition-required", "Precondition required"


class PayloadTooLarge(ConferError):
    status, slug, title = 413, "payload-too-large", "Payload too large"


class Invalid(ConferError):
    status, slug, title = 422, "invalid", "Invalid request"


class RateLimited(ConferError):
    status, slug, title = 429, "rate-limited", "Too many requests"


class Unavailable(ConferError):
    status, slug, title = 503, "unavailable", "Service unavailable"


class OAuthError(ConferError):
    """RFC 6749 section 5.2 errors from the token endpoint, also as problem details."""

    status, slug, title = 400, "oauth-error", "Token request refused"

    def __init__(self, error: str, detail: str, status: int = 400) -> None:
        super().__init__(detail, error=error)
        self.status = status


def problem(
    request: Request,
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    if errors:
        body["errors"] = errors
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _loc_to_pointer(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        where, rest = parts[0], parts[1:]
        return f"{where}:" + ("/" + "/".join(rest) if rest else "/")
    return "/" + "/".join(parts)


async def _confer_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ConferError)
    errors = None
    if exc.field:
        errors = [{"field": exc.field, "detail": exc.detail}]
    return problem(
        request,
        exc.status,
        exc.slug,
        exc.title,
        exc.detail,
        errors=errors,
        headers=exc.headers,
        **exc.extra,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        loc = err.get("loc", ())
        errors.append(
            {
                "field": _loc_to_pointer(loc),
                "detail": err.get("msg", "invalid"),
                "code": err.get("type", "invalid"),
            }
        )
    first = errors[0]["field"] if errors else "request"
    return problem(
        request,
        422,
        "invalid",
        "Invalid request",
        f"The request is not valid (first problem at {first}).",
        errors=errors,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and "parsing the body" in str(exc.detail):
        return problem(
            request,
            422,
            "invalid",
            "Invalid request",
            "The request body is not valid JSON.",
            errors=[{"field": "body:/", "detail": "not valid JSON (UTF-8)"}],
        )
    slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    detail = exc.detail if isinstance(exc.detail, str) else "Request refused."
    return problem(
        request, exc.status_code, slug, detail, detail, headers=getattr(exc, "headers", None)
    )


_UNREACHABLE = (
    "connection",
    "could not connect",
    "connect call failed",
    "unable to open database",
    "database is locked",
    "server closed",
    "the database system is",  # starting up / shutting down
    "timeout",
)


def _is_connection_problem(exc: BaseException) -> bool:
    """The database is down or busy (503, retry), as opposed to a bug (500)."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OSError | ConnectionError | TimeoutError):
        return True
    cause = getattr(exc, "orig", None) or exc
    if isinstance(cause, OSError | ConnectionError | TimeoutError):
        return True
    text = str(cause).lower()
    return isinstance(exc, OperationalError) and any(s in text for s in _UNREACHABLE)


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    if _is_connection_problem(exc):
        log.warning("database unavailable", extra={"error_class": type(exc).__name__})
        return problem(
            request,
            503,
            "unavailable",
            "Service unavailable",
            "The database is not reachable; try again shortly.",
            headers={"Retry-After": "5"},
        )
    return await _unexpected(request, exc)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", extra={"error_class": type(exc).__name__})
    return problem(
        request, 500, "internal-error", "Internal error", "An unexpected error occurred."
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ConferError, _confer_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(OSError, _database_error)
    app.add_exception_handler(Exception, _unexpected)
