"""A learner query on a thread of its own, and a watchdog that stops it in time.

DuckDB has no statement timeout of its own: ``interrupt()`` raises a flag that
the engine reads between pieces of work. A single timer calling it once (the
first version) left two gaps, both seen on the 2-core machine (ADR 0048):

- some work does not read the flag until it ends: one scalar call that builds a
  list of 30 million numbers (``list_sum(range(0, 30000000))``) went on for
  28 s after an interrupt at 1 s, and the learner's request with it;
- a flag raised before the engine starts executing is cleared by that start,
  so an interrupt that lands between preparing and running a query is lost.

So the query runs on its own thread; when the limit passes, a watchdog thread
interrupts it, and again every ``REPEAT_SECONDS`` until the engine stops. The
learner is answered at the limit plus ``GRACE_SECONDS`` whether or not the
engine has stopped; what the query holds (its slot, its database) is given back
by its own thread when it really ends, so a runaway still counts against the
concurrency limit and is never lent to the next learner.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = [
    "GRACE_SECONDS",
    "PREPARE_SECONDS",
    "REPEAT_SECONDS",
    "Outcome",
    "Watch",
    "watched_run",
]

T = TypeVar("T")

# How long the learner waits past the limit for the engine to stop.
GRACE_SECONDS = 0.5
# How often the watchdog raises the flag again while the engine runs on.
REPEAT_SECONDS = 0.05
# At most this long to get the engine ready (open the database, and for the
# first query on a version make its native copy: about 1 s per million rows);
# that is the platform's work, not the learner's query, so the limit starts
# after it, as it did with the timer.
PREPARE_SECONDS = 60.0


class Watch:
    """What the watchdog may interrupt, and whether it was asked to stop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._interrupt: Callable[[], None] | None = None
        self.is_stopped = False
        # Set when the engine starts the query (or the work ended before).
        self.started = threading.Event()
        self.started_at = 0.0

    def attach(self, interrupt: Callable[[], None]) -> bool:
        """Watch the engine about to run (the limit starts now); False if the
        stop came first."""
        with self._lock:
            if self.is_stopped:
                return False
            self._interrupt = interrupt
            self.started_at = time.monotonic()
            self.started.set()
            return True

    def detach(self) -> bool:
        """Stop watching (the engine is done); whether a stop was asked."""
        with self._lock:
            self._interrupt = None
            return self.is_stopped

    def stop(self) -> None:
        with self._lock:
            self.is_stopped = True
            if self._interrupt is not None:
                self._interrupt()


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What the learner's thread knows when it stops waiting."""

    value: T | None
    error: BaseException | None
    is_done: bool
    is_stopped: bool


def watched_run(
    work: Callable[[Watch], T],
    *,
    seconds: float,
    when_over: Callable[[], None],
) -> Outcome[T]:
    """Run ``work(watch)`` on its own thread, stopped ``seconds`` after it
    attached the engine (``watch.attach``).

    ``when_over`` runs on that thread once the work has ended, however late.
    """
    watch = Watch()
    done = threading.Event()
    lock = threading.Lock()
    box: dict[str, object] = {}

    def run() -> None:
        try:
            value = work(watch)
        except BaseException as exc:  # noqa: BLE001 - handed to the learner's thread
            with lock:
                box["error"] = exc
        else:
            with lock:
                box["value"] = value
        finally:
            when_over()  # first, so the learner's next query finds the slot free
            done.set()
            watch.started.set()

    threading.Thread(target=run, name="consulta-datos", daemon=True).start()
    watch.started.wait(PREPARE_SECONDS)
    began = watch.started_at or time.monotonic()
    if not done.wait(max(0.0, began + seconds - time.monotonic())):
        threading.Thread(
            target=_watchdog, args=(watch, done), name="vigia-consulta", daemon=True
        ).start()
        done.wait(GRACE_SECONDS)
    with lock:
        return Outcome(
            value=box.get("value"),  # type: ignore[arg-type]
            error=box.get("error"),  # type: ignore[arg-type]
            is_done=done.is_set(),
            is_stopped=watch.is_stopped,
        )


def _watchdog(watch: Watch, done: threading.Event) -> None:
    while not done.is_set():
        watch.stop()
        done.wait(REPEAT_SECONDS)
