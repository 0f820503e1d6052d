"""Rate limits per caller, with the `limits` library (memory by default, Redis when shared)."""

import functools
import math
import time

from limits import RateLimitItem, parse
from limits import strategies as sync_strategies
from limits.aio import strategies as async_strategies
from limits.aio.storage import Storage as AsyncStorage
from limits.storage import MemoryStorage, storage_from_string

from app.errors import RateLimited


class InlineExpiryMemoryStorage(MemoryStorage):
    """limits' memory storage without its expiry thread. It starts a `threading.Timer` (10 ms)
    whenever the last one has ended: under steady load about once a request, and each start
    waits until the new thread is scheduled (9% of a summary in `bench.latency --direct` under
    py-spy). Stale keys are swept inline instead, at most once a second; counters already
    expire lazily when read. (Overrides the name-mangled hook of limits 5.8, pinned.)"""

    SWEEP_SECONDS = 1.0
    _next_sweep = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + self.SWEEP_SECONDS
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


class RateLimiter:
    """A sliding window counter per key: two counters, constant work per hit (a moving window
    keeps every hit of the window and cost 5% of a summary under load; bench/RESULTS.md). In
    memory the synchronous storage is used: it does no I/O, and limits' async memory storage
    hands every key to a worker thread each time it expires events."""

    def __init__(self, storage_url: str) -> None:
        self._sync: sync_strategies.SlidingWindowCounterRateLimiter | None = None
        self._async: async_strategies.SlidingWindowCounterRateLimiter | None = None
        if storage_url.removeprefix("async+").startswith("memory://"):
            self._sync = sync_strategies.SlidingWindowCounterRateLimiter(
                InlineExpiryMemoryStorage()
            )
        else:
            # limits' async storages are named async+<scheme>.
            url = storage_url if storage_url.startswith("async+") else "async+" + storage_url
            storage = storage_from_string(url)
            assert isinstance(storage, AsyncStorage)
            self._async = async_strategies.SlidingWindowCounterRateLimiter(storage)

    async def hit(self, item: RateLimitItem, key: str) -> bool:
        if self._sync is not None:
            return self._sync.hit(item, "confer", key)
        assert self._async is not None
        return await self._async.hit(item, "confer", key)

    async def reset_time(self, item: RateLimitItem, key: str) -> float:
        if self._sync is not None:
            return self._sync.get_window_stats(item, "confer", key).reset_time
        assert self._async is not None
        return (await self._async.get_window_stats(item, "confer", key)).reset_time


def make_rate_limiter(storage_url: str) -> RateLimiter:
    return RateLimiter(storage_url)


@functools.lru_cache(maxsize=16)
def _rule(rule: str) -> RateLimitItem:
    return parse(rule)


async def enforce_rate_limit(limiter: RateLimiter, key: str, rule: str) -> None:
    item = _rule(rule)
    if await limiter.hit(item, key):
        return
    retry = max(1, math.ceil(await limiter.reset_time(item, key) - time.time()))
    raise RateLimited(
        f"Rate limit of {rule} exceeded; retry in {retry} s.", headers={"Retry-After": str(retry)}
    )
