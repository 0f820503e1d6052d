"""ETags on shared objects, and If-Match on their updates (428 if missing, 412 if stale)."""

import hashlib
import uuid

from fastapi import Response

from app.errors import PreconditionFailed, PreconditionRequired


def etag(object_id: uuid.UUID, version: int) -> str:
    digest = hashlib.sha256(f"{object_id}:{version}".encode()).hexdigest()[:20]
    return f'"{digest}"'


def set_etag(response: Response, object_id: uuid.UUID, version: int) -> None:
    response.headers["ETag"] = etag(object_id, version)


def check_if_match(if_match: str | None, object_id: uuid.UUID, version: int) -> None:
    if if_match is None:
        raise PreconditionRequired(
            "Send If-Match with the ETag you last read, so a concurrent change is not overwritten.",
            field="header:/If-Match",
        )
    current = etag(object_id, version)
    offered = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    if "*" not in offered and current not in offered:
        raise PreconditionFailed(
            "The object has changed since you read it; fetch it again and reapply your change.",
            field="header:/If-Match",
        )
