"""Concurrency limits shared by every caller in the process.

An ``asyncio.Semaphore`` belongs to one event loop, but callers of one model
may sit on several: the application's loop, the sync twin's background
loop, a worker thread's ``asyncio.run``. ``ProcessLimit`` counts slots under
a thread lock and wakes waiters on their own loops, so "at most N calls to
this model at once" holds for the whole process.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from types import TracebackType


class ProcessLimit:
    """A counting semaphore usable from any event loop in any thread."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._used = 0
        self._lock = threading.Lock()
        self._waiters: deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = deque()

    @property
    def in_use(self) -> int:
        return self._used

    async def __aenter__(self) -> None:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._used < self.size and not self._waiters:
                self._used += 1
                return
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.append((loop, waiter))
        try:
            await waiter
        except asyncio.CancelledError:
            with self._lock:
                if (loop, waiter) in self._waiters:
                    self._waiters.remove((loop, waiter))
                    raise
            if waiter.done() and not waiter.cancelled():
                self.release()  # granted, then cancelled before it resumed
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def release(self) -> None:
        """Hand the slot to the next waiter (on its own loop), or free it."""
        with self._lock:
            while self._waiters:
                loop, waiter = self._waiters.popleft()
                if waiter.done():
                    continue
                try:
                    loop.call_soon_threadsafe(self._grant, waiter)
                    return
                except RuntimeError:  # that loop is closed: skip its waiter
                    continue
            self._used = max(0, self._used - 1)

    def _grant(self, waiter: asyncio.Future[None]) -> None:
        if waiter.cancelled():
            self.release()  # it gave up after we chose it: pass the slot on
        else:
            waiter.set_result(None)


_limits: dict[str, ProcessLimit] = {}
_registry_lock = threading.Lock()


def limit_for(model: str, size: int) -> ProcessLimit:
    """The process-wide limit of ``model``; its size follows the latest setting."""
    with _registry_lock:
        limit = _limits.get(model)
        if limit is None:
            limit = _limits[model] = ProcessLimit(size)
        limit.size = size
        return limit
