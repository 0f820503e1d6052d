"""Rate limits per caller, with the `limits` library (memory by default, Redis when shared)."""

import functools
import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from app.errors import RateLimited


def make_rate_limiter(storage_url: str) -> MovingWindowRateLimiter:
    # limits' async storages are named async+<scheme>.
    url = storage_url if storage_url.startswith("async+") else "async+" + storage_url
    storage = storage_from_string(url)
    assert isinstance(storage, Storage)
    return MovingWindowRateLimiter(storage)


@functools.lru_cache(maxsize=16)
def _rule(rule: str) -> RateLimitItem:
    return parse(rule)


async def enforce_rate_limit(limiter: MovingWindowRateLimiter, key: str, rule: str) -> None:
    item = _rule(rule)
    if await limiter.hit(item, "confer", key):
        return
    stats = await limiter.get_window_stats(item, "confer", key)
    retry = max(1, math.ceil(stats.reset_time - time.time()))
    raise RateLimited(
        f"Rate limit of {rule} exceeded; retry in {retry} s.", headers={"Retry-After": str(retry)}
    )
