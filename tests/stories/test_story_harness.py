"""The harness itself: a table that is not followed fails the test that claims to follow it."""

import httpx
import pytest

from tests.stories.story import Story, parse_table

TABLE = """
| Step | Acting practitioner | Call | Can see | Cannot see |
| --- | --- | --- | --- | --- |
| 1 | Teacher | `GET /people/{person_id}/summary` | school: the note | police: the note |
| 2 | Teacher | `POST /records` | — | — |
"""


def test_a_can_see_without_its_twin_is_refused():
    bad = TABLE.replace("police: the note", "—")
    with pytest.raises(AssertionError, match="twin"):
        parse_table(bad)


def test_a_row_without_a_call_is_refused():
    with pytest.raises(AssertionError, match="names no call"):
        parse_table(TABLE.replace("`POST /records`", "records a note"))


async def test_steps_must_make_their_calls_in_order(client: httpx.AsyncClient):
    story = Story(client, parse_table(TABLE))
    client.event_hooks.setdefault("request", []).append(story._record)
    with pytest.raises(AssertionError, match="next step is 1"):
        async with story.step("2"):
            pass
    with pytest.raises(AssertionError, match="the table says GET"):
        async with story.step("1"):
            await client.get("/health")
    async with story.step("1"):
        await client.get("/people/abc/summary")
    with pytest.raises(AssertionError, match=r"never followed: \['2'\]"):
        story.done()
