"""A/B of two routes for the same operation, in one process, in interleaved rounds:

    python -m bench.ab --variant /summary-ab [--op summary] [--rounds 6] [--n 1500]

For a change to the hot path too small for single runs to show (they vary by 10-15% on a shared
machine): add the variant as a second route temporarily (say `/people/{id}/summary-ab`), and this
times the operation's requests against the same requests sent to the variant, alternating which
goes first, and prints this process's CPU per request for each round and their medians. Builds
its dataset as `python -m bench.latency` does (same options).
"""

import os
import random
import statistics
import sys
from typing import Any

from bench import latency

_args = {"variant": "", "op": "summary", "rounds": 6}


async def _ab_probe(
    admin: str, app_url: str, pepper: str, m: Any, n: int, *_: Any, **__: Any
) -> None:
    from bench.__main__ import app_env, make_targets

    env = app_env(app_url, pepper)
    os.environ.update({k: v for k, v in env.items() if k.startswith("CONFER_")})
    targets = make_targets(m, random.Random(1), n=n + 200)  # noqa: S311 - not secrets
    from app.asgi import app

    op, variant = str(_args["op"]), str(_args["variant"])
    a = targets[op]
    first_path = a[0].split("|")[1].split("?")[0]
    stem = first_path.rsplit("/", 1)[0]
    b = [line.replace(first_path.replace(stem, ""), variant, 1) for line in a]
    if a == b:
        raise SystemExit(f"--variant {variant!r} changes no request of {op}")
    cpu: dict[str, list[float]] = {"A": [], "B": []}
    async with app.router.lifespan_context(app):
        client = latency._Direct(app)
        await latency._time(client, a[:200], 200)
        await latency._time(client, b[:200], 200)
        for r in range(int(_args["rounds"])):
            order = [("A", a), ("B", b)] if r % 2 == 0 else [("B", b), ("A", a)]
            for name, lines in order:
                rest = lines[200:]
                await latency._time(client, rest, n)
                cpu[name].append(latency._cpu[id(rest)] * 1000)
    for name, values in cpu.items():
        rounds = " ".join(f"{v:.3f}" for v in values)
        print(f"{name} CPU ms/request: {rounds}  median {statistics.median(values):.3f}")


def main() -> None:
    argv = sys.argv[1:]
    for key in list(_args):
        flag = f"--{key}"
        if flag in argv:
            i = argv.index(flag)
            _args[key] = type(_args[key])(argv[i + 1])
            del argv[i : i + 2]
    if not _args["variant"]:
        raise SystemExit(__doc__)
    latency.probe = _ab_probe  # type: ignore[assignment]
    sys.argv = ["python -m bench.ab", "--direct", *(argv or ["--n", "1500"])]
    latency.main()


if __name__ == "__main__":
    main()
