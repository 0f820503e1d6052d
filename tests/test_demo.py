"""The demo loader builds all ten case examples, and the printed credentials work."""

import httpx

from app.db import make_engine
from app.demo.cases import CASES, PEOPLE
from app.demo.loader import load_demo
from app.main import create_app
from app.migrate import upgrade


async def test_demo_loads_every_case_and_its_keys_work(settings, tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path}/demo.db"
    demo_settings = settings.model_copy(update={"database_url": url})
    engine = make_engine(url)
    await upgrade(engine)
    summary = await load_demo(demo_settings, credentials_dir=tmp_path)
    assert summary["people"] == len(PEOPLE) and len(CASES) == 10
    app = create_app(demo_settings, engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        hv = summary["credentials"]["c3_health_visitor"]
        teacher = summary["credentials"]["c3_jack_teacher"]
        r = await c.get("/people", headers={"Authorization": f"Bearer {hv['key']}"})
        assert r.status_code == 200
        names = {p["given_name"] for p in r.json()["items"]}
        assert {"Jenny", "Jack"} <= names
        jack = summary["people_ids"]["c3_jack"]
        r = await c.get(f"/people/{jack}", headers={"Authorization": f"Bearer {teacher['key']}"})
        assert r.status_code == 200 and r.json()["given_name"] == "Jack"
        # Poppy is known to the health visitor only: to the school she does not exist.
        poppy = summary["people_ids"]["c3_poppy"]
        r = await c.get(f"/people/{poppy}", headers={"Authorization": f"Bearer {teacher['key']}"})
        assert r.status_code == 404
        r = await c.get(f"/people/{poppy}", headers={"Authorization": f"Bearer {hv['key']}"})
        assert r.status_code == 200
        # Case 3 is played to the health visitor's decision not to share Lisa's health.
        lisa = summary["people_ids"]["c3_lisa"]
        r = await c.get(
            f"/people/{lisa}/summary",
            headers={"Authorization": f"Bearer {teacher['key']}"},
            params={"purpose": "early_help_assessment"},
        )
        assert r.status_code == 200
        body = r.json()
        assert [x["summary"] for x in body["records"]] == [
            "Three children under six; the family has had some difficulties"
        ]
        assert body["withheld"] == [{"reason": "decision_not_to_share", "count": 1}]
    await engine.dispose()
