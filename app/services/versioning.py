"""Optimistic concurrency for shared objects: the If-Match check and a guarded UPDATE."""

from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.conditional import check_if_match
from app.errors import Invalid, PreconditionFailed

M = TypeVar("M", bound=Any)


async def update_versioned(
    session: AsyncSession, obj: M, changes: dict[str, Any], if_match: str | None
) -> M:
    check_if_match(if_match, obj.id, obj.version)
    model = type(obj)
    columns = model.__table__.c
    for key, value in changes.items():
        if value is None and key in columns and not columns[key].nullable:
            raise Invalid(f"{key} may not be null.", field=f"body:/{key}")
    result = await session.execute(
        update(model)
        .where(model.id == obj.id, model.version == obj.version)
        .values(**changes, version=obj.version + 1)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        # Someone else's update landed between our read and our write.
        raise PreconditionFailed(
            "The object has changed since you read it.", field="header:/If-Match"
        )
    await session.refresh(obj)
    return obj
