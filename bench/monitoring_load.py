"""Load clients and tables for bench/monitoring.py.

Two clients, the same eight addresses in the same order per visitor:
- ``locust`` (default): Locust FastHttpUser, headless, in a process of its own
  (bench/monitoring_locustfile.py);
- ``threads``: the first client, Python ``requests`` in threads of the bench's
  own process; its GIL wait counts as latency, kept to compare with old figures.

``publishing(every)`` publishes one waiting report every ``every`` seconds
while the load runs, through ``monitoring.api.publish_report``: the kept pages
are dropped under load, as on a real day.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import requests

from bench import side_by_side

Stats = dict[str, dict[str, float]]  # page → count, rps, p50, p95, max, failures


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]


def run_locust(port: int, plan_file: Path, users: int, seconds: int, prefix: Path):
    """One closed-loop Locust run (``bench/side_by_side.py``'s, with this
    benchmark's locustfile); its figures per page and overall."""
    rows, _cpu = side_by_side.run_locust(
        port,
        users,
        seconds,
        plan_file,
        prefix,
        locustfile="monitoring_locustfile.py",
        plan_variable="MONITORING_BENCH_PLAN",
    )
    return {
        "total" if name == "Aggregated" else name: row for name, row in rows.items()
    }


def run_threads(
    port: int, pages: dict[str, Callable[[], str]], host: str, users: int, seconds: int
) -> Stats:
    """The first client: ``users`` threads of ``requests``, no think time."""
    base = f"http://127.0.0.1:{port}"
    times: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    names = list(pages)

    def visitor(n: int) -> None:
        with requests.Session() as session:
            k = n
            while time.perf_counter() < deadline:
                name = names[k % len(names)]
                k += 1
                t = time.perf_counter()
                try:
                    response = session.get(
                        base + pages[name](), headers={"Host": host}, timeout=60
                    )
                    ok = response.status_code == 200
                except requests.RequestException:
                    ok = False  # a refused or reset connection counts, then on
                elapsed = (time.perf_counter() - t) * 1000
                with lock:
                    if ok:
                        times[name].append(elapsed)
                    else:
                        failures[name] += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(users) as pool:
        list(pool.map(visitor, range(users)))
    wall = time.perf_counter() - started
    stats: Stats = {}
    for name in [*names, "total"]:
        values = (
            [v for page in times.values() for v in page]
            if name == "total"
            else times[name]
        ) or [0.0]
        fails = sum(failures.values()) if name == "total" else failures[name]
        stats[name] = {
            "count": len(values),
            "rps": len(values) / wall,
            "p50": statistics.median(values),
            "p95": p95(values),
            "max": max(values),
            "failures": fails,
        }
    return stats


@contextmanager
def publishing(schema: str, every: float) -> Iterator[list[float]]:
    """Publish one waiting report every ``every`` seconds (0: never) while the
    block runs; yields the list of how long each publication took (ms)."""
    from django.db import connection

    from monitoring import api
    from monitoring.models import CitizenReport
    from tenants import api as tenants_api

    took: list[float] = []
    stop = threading.Event()

    def publisher() -> None:
        try:
            while not stop.wait(every):
                with tenants_api.in_locality(schema):
                    waiting = (
                        CitizenReport.objects.filter(status="enviado")
                        .values_list("uuid", flat=True)
                        .first()
                    )
                    if waiting is None:
                        return
                    t = time.perf_counter()
                    api.publish_report(
                        str(waiting),
                        reviewer_id=999,
                        public_observations="Publicado durante la carga.",
                    )
                    took.append((time.perf_counter() - t) * 1000)
        finally:
            connection.close()

    worker = threading.Thread(target=publisher, daemon=True)
    if every > 0:
        worker.start()
    try:
        yield took
    finally:
        stop.set()
        if every > 0:
            worker.join(timeout=30)


def print_stats(label: str, stats: Stats, names: list[str]) -> None:
    total = stats["total"]
    print(
        f"{label}: {total['count']:.0f} respuestas, {total['rps']:.0f} por segundo, "
        f"{total['failures']:.0f} fallidas"
    )
    print(
        f"  {'página':<20} {'sol/s':>7} {'p50':>8} {'p95':>8} {'máx':>8} {'fallas':>7}"
    )
    for name in [*names, "total"]:
        row = stats.get(name)
        if row is None:
            continue
        print(
            f"  {name:<20} {row['rps']:>7.1f} {row['p50']:>6.0f}ms "
            f"{row['p95']:>6.0f}ms {row['max']:>6.0f}ms {row['failures']:>7.0f}"
        )


def print_comparison(
    runs: dict[str, list[Stats]], old: str, new: str, names: list[str]
) -> None:
    """Medians over the rounds, per page, and the ratios old/new."""
    print(
        f"\n| página | sol/s {old} | sol/s {new} | p50 {old} | p50 {new} "
        f"| p95 {old} | p95 {new} | p95 anterior ÷ nueva |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name in [*names, "total"]:
        med = {
            label: {
                key: statistics.median(r[name][key] for r in runs[label] if name in r)
                for key in ("rps", "p50", "p95")
            }
            for label in (old, new)
        }
        ratio = med[old]["p95"] / med[new]["p95"] if med[new]["p95"] else 0.0
        print(
            f"| {name} | {med[old]['rps']:.1f} | {med[new]['rps']:.1f} "
            f"| {med[old]['p50']:.0f} | {med[new]['p50']:.0f} "
            f"| {med[old]['p95']:.0f} | {med[new]['p95']:.0f} | {ratio:.1f} x |"
        )


def write_plan(path: Path, host: str, codes: list[str], upz: list[str], seed: int):
    path.write_text(
        json.dumps({"host": host, "codes": codes, "upz": upz, "seed": seed})
    )
    return path
