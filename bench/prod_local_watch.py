"""What ``bench/prod_local_load.py`` watches while Locust runs against
``make prod-local``: each node's ``/metrics`` and the CPU time of every part.

CPU time, not throughput, is what the capacity model needs (docs/deploy.md):
the machine is shared, so requests per second say as much about the neighbours
as about the platform, while the CPU seconds a process used are its own.
Read from ``/proc``: every process of each prod-local part (each was started
in its own session, so its gunicorn or Celery children share the session id),
and the PostgreSQL backends serving the prod-local database (the pooler's
server connections, which web nodes and workers share).
"""

from __future__ import annotations

import os
import threading
import time
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def cpu_seconds_by_session(sessions: dict[str, int]) -> dict[str, float]:
    """{part: CPU seconds of every live process in its session, reaped children
    included} (user + system)."""
    wanted = {sid: name for name, sid in sessions.items()}
    totals = dict.fromkeys(sessions, 0.0)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        fields = _stat(int(entry.name))
        # After the ")": state, ppid, pgrp, session, ..., utime=11, stime=12,
        # cutime=13, cstime=14 (proc(5), counting from state as 0).
        if fields is None or int(fields[3]) not in wanted:
            continue
        ticks = sum(int(v) for v in fields[11:15])
        totals[wanted[int(fields[3])]] += ticks / TICK
    return totals


def cpu_seconds_of(pids: list[int]) -> dict[int, float]:
    out = {}
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            out[pid] = (int(fields[11]) + int(fields[12])) / TICK
    return out


def scrape(port: int) -> dict[str, float]:
    """The figures of one node's /metrics that the bench reports."""
    with urllib.request.urlopen(
        f"http://127.0.0.1:{port}/metrics", timeout=5
    ) as response:
        text = response.read().decode()
    figures = {"requests": 0.0, "errors_5xx": 0.0, "queue": -1.0, "outbox": -1.0}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "lms_http_requests_total":
                figures["requests"] += sample.value
                if sample.labels.get("status", "").startswith("5"):
                    figures["errors_5xx"] += sample.value
            elif sample.name == "lms_celery_queue_length":
                figures["queue"] = max(figures["queue"], sample.value)
            elif sample.name == "lms_outbox_backlog":
                figures["outbox"] = sample.value
    return figures


class Watcher(threading.Thread):
    """Scrapes every node's /metrics and samples backend CPU once a second."""

    def __init__(self, ports: list[int], backend_pids, interval: float = 1.0):
        super().__init__(daemon=True)
        self.ports = ports
        self.backend_pids = backend_pids  # a callable: the database's backends now
        self.interval = interval
        self.samples: list[dict] = []
        self.backend_cpu: dict[int, float] = {}
        self.scrape_errors = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()

    def run(self) -> None:
        started = time.monotonic()
        while not self._stopping.is_set():
            self.sample(time.monotonic() - started)
            self._stopping.wait(self.interval)

    def sample(self, at: float) -> dict:
        row = {"at": round(at, 1)}
        for port in self.ports:
            try:
                row[port] = scrape(port)
            except OSError:
                self.scrape_errors += 1
        # The last value seen of each backend: one that exits mid-run keeps it.
        seen = cpu_seconds_of(self.backend_pids())
        with self._lock:
            self.backend_cpu.update(seen)
        self.samples.append(row)
        return row

    def backend_snapshot(self) -> dict[int, float]:
        """CPU seconds of every backend seen so far, read now where still alive."""
        seen = cpu_seconds_of(self.backend_pids())
        with self._lock:
            self.backend_cpu.update(seen)
            return dict(self.backend_cpu)

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=10)

    def summary(self) -> dict:
        """Requests counted by the nodes, and how far the queue and outbox moved."""
        first, last = self.samples[0], self.samples[-1]
        per_node = {
            port: int(last[port]["requests"] - first[port]["requests"])
            for port in self.ports
            if port in first and port in last
        }
        queue = [
            max((r[p]["queue"] for p in self.ports if p in r), default=-1)
            for r in self.samples
        ]
        outbox = [
            max((r[p]["outbox"] for p in self.ports if p in r), default=-1)
            for r in self.samples
        ]
        return {
            "requests_per_node": per_node,
            "errors_5xx": int(
                sum(last[p]["errors_5xx"] - first[p]["errors_5xx"] for p in per_node)
            ),
            "queue_max": int(max(queue)),
            "queue_first_last": (int(queue[0]), int(queue[-1])),
            "outbox_max": int(max(outbox)),
            "scrapes": len(self.samples),
            "scrape_errors": self.scrape_errors,
        }
