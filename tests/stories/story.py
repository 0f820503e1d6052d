"""A case's committed step table, and the harness that makes its test follow it.

Each case has `case_NN_<name>.md` holding one table:

    | Step | Acting practitioner | Call | Can see | Cannot see |

The test opens each row with `async with story.step("3"):`. The harness records the HTTP calls made
inside the step and fails unless every call named in the row's Call cell (backticked
`METHOD /path/{id}`) was made there, in the table's order of steps; `story.done()` fails unless every
row was followed. A row that says what someone can see must also say what someone cannot (its twin).
The see cells are prose for the reader; the test asserts them inside the step.
"""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HERE = Path(__file__).parent
COLUMNS = ["Step", "Acting practitioner", "Call", "Can see", "Cannot see"]
CALL = re.compile(r"`(GET|POST|PATCH|PUT|DELETE) (/[^`\s]*)`")


@dataclass(frozen=True)
class Row:
    step: str
    actor: str
    calls: tuple[tuple[str, re.Pattern[str]], ...]
    can_see: str
    cannot_see: str


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _path_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[^}]+\}", template)
    return re.compile("[^/]+".join(re.escape(p) for p in parts) + r"\Z")


def parse_table(text: str) -> list[Row]:
    lines = [ln for ln in text.splitlines() if ln.lstrip().startswith("|")]
    if not lines or _cells(lines[0]) != COLUMNS:
        raise AssertionError(f"the step table must have the columns {COLUMNS}")
    rows = []
    for line in lines[2:]:
        cells = _cells(line.replace(r"\|", "\x00"))
        cells = [c.replace("\x00", "|") for c in cells]
        if len(cells) != len(COLUMNS):
            raise AssertionError(f"row needs {len(COLUMNS)} cells: {line}")
        step, actor, call, can, cannot = cells
        calls = tuple((m, _path_pattern(p)) for m, p in CALL.findall(call))
        if not calls:
            raise AssertionError(f"step {step} names no call")
        if can and can != "—" and (not cannot or cannot == "—"):
            raise AssertionError(f"step {step} says what can be seen without its cannot-see twin")
        rows.append(Row(step, actor, calls, can, cannot))
    steps = [r.step for r in rows]
    if len(set(steps)) != len(steps):
        raise AssertionError("step numbers repeat")
    return rows


@dataclass
class Story:
    client: httpx.AsyncClient
    rows: list[Row]
    followed: list[str] = field(default_factory=list)
    _made: list[tuple[str, str]] | None = None

    @classmethod
    def load(cls, client: httpx.AsyncClient, table: str) -> "Story":
        story = cls(client, parse_table((HERE / table).read_text()))
        client.event_hooks.setdefault("request", []).append(story._record)
        return story

    async def _record(self, request: httpx.Request) -> None:
        if self._made is not None:
            self._made.append((request.method, request.url.path))

    @asynccontextmanager
    async def step(self, step: str) -> AsyncIterator[Row]:
        index = len(self.followed)
        assert index < len(self.rows), f"step {step} is not in the table"
        row = self.rows[index]
        assert row.step == step, f"the table's next step is {row.step}, the test ran {step}"
        self._made = []
        try:
            yield row
        finally:
            made, self._made = self._made, None
        for method, pattern in row.calls:
            assert any(m == method and pattern.match(p) for m, p in made), (
                f"step {step}: the table says {method} {pattern.pattern}, the test made {made}"
            )
        self.followed.append(step)

    def done(self) -> None:
        missing = [r.step for r in self.rows[len(self.followed) :]]
        assert not missing, f"steps in the table the test never followed: {missing}"
        self.client.event_hooks["request"].remove(self._record)
