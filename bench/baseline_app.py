"""The two baselines, served by uvicorn exactly like the app (same workers, driver, database).

- GET /bare/{id}:   one primary-key select of a person row (asyncpg prepares and caches it).
- GET /logged/{id}: the same select plus one INSERT, committed before the response.
No policy, no audit, no authentication.
"""

import os
import uuid

import sqlalchemy as sa
from fastapi import FastAPI, HTTPException

from app.db import make_engine

engine = make_engine(os.environ["CONFER_DATABASE_URL"])
person = sa.table(
    "person", sa.column("id", sa.Uuid), sa.column("nhs_number"), sa.column("created_at")
)
bench_log = sa.table("bench_log", sa.column("person_id", sa.Uuid), sa.column("request_id"))
SELECT = sa.select(person.c.id, person.c.nhs_number, person.c.created_at).where(
    person.c.id == sa.bindparam("id")
)
INSERT = sa.insert(bench_log)
app = FastAPI()


@app.get("/bare/{person_id}")
async def bare(person_id: uuid.UUID) -> dict[str, object]:
    async with engine.connect() as conn:
        row = (await conn.execute(SELECT, {"id": person_id})).first()
    if row is None:
        raise HTTPException(404)
    return {"id": row.id, "nhs_number": row.nhs_number, "created_at": row.created_at}


@app.get("/logged/{person_id}")
async def logged(person_id: uuid.UUID) -> dict[str, object]:
    async with engine.begin() as conn:  # committed before the response leaves
        row = (await conn.execute(SELECT, {"id": person_id})).first()
        if row is None:
            raise HTTPException(404)
        await conn.execute(INSERT, {"person_id": person_id, "request_id": uuid.uuid4().hex})
    return {"id": row.id, "nhs_number": row.nhs_number, "created_at": row.created_at}
