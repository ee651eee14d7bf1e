"""Slots for learner queries in one process, given in the order they were asked.

At most ``OPEN_DATA_QUERY_CONCURRENCY`` queries run at once; the others wait up
to ``OPEN_DATA_QUERY_QUEUE_SECONDS``. A plain semaphore lets a thread that just
finished take the slot again before the ones already waiting (it is not fair):
on the 2-core machine, 10 learners then saw most queries answer in about 130 ms
and a few wait seconds, or be told to retry, behind the others. Here a freed slot
goes to the oldest waiter, so a query waits about its turn and no longer.
"""

from __future__ import annotations

import threading
from collections import deque

__all__ = ["FairSlots", "slots_for"]


class FairSlots:
    """A counting semaphore that serves waiters first come, first served."""

    def __init__(self, size: int):
        self._free = size
        self._lock = threading.Lock()
        self._waiting: deque[threading.Event] = deque()

    def acquire(self, timeout: float) -> bool:
        """Take a slot, waiting at most ``timeout`` seconds; whether one was taken."""
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return True
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(timeout):
            return True
        with self._lock:
            if turn.is_set():  # handed over just as the wait ran out
                return True
            self._waiting.remove(turn)
            return False

    def release(self) -> None:
        """Give the slot to the oldest waiter, or put it back."""
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._free += 1


_lock = threading.Lock()
_by_size: dict[int, FairSlots] = {}


def slots_for(size: int) -> FairSlots:
    """The process's slots for a concurrency of ``size`` (one set per size)."""
    with _lock:
        if size not in _by_size:
            _by_size[size] = FairSlots(size)
        return _by_size[size]
