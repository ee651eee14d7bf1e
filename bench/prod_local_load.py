"""Locust through nginx against ``make prod-local``: errors, latency, /metrics
and the CPU each part spends per request (the capacity model's inputs).

Run with ``make prod-local`` up (and the same PROD_LOCAL_* environment):

    .venv/bin/python bench/prod_local_load.py [--scenario recorrido|lecciones|xapi]
        [--users 20] [--seconds 60] [--learners 600] [--localities 4]

1. Seeds, in ``--localities`` localities of prod-local: a course of 3 lessons,
   an H5P activity (uploaded to the S3 bucket), ``--learners`` people with a
   session each (written as a sign-in writes it: database and Redis).
2. Runs headless Locust (``bench/prod_local_locustfile.py``) with ``--users``
   people through nginx; any failure makes the run fail.
3. Meanwhile scrapes each web node's ``/metrics`` once a second (requests it
   counted, Celery queue length, outbox) and reads the CPU time of every part
   from ``/proc`` (``bench/prod_local_watch.py``); after Locust, waits until
   the workers have issued a certificate for every completion and the queue is
   empty, so the workers' CPU covers the work the load queued.

Prints users, requests/s, median and p95, failures, each node's request count
from /metrics, how far the queue moved, CPU ms per request for web nodes,
PostgreSQL, PgBouncer and nginx, and worker CPU ms per completed course; the
same in ``.data/prod-local/bench/<time>/result.json``. The seeded people and
courses stay in prod-local's database (``make prod-local-drop`` removes all).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "deploy"))

import processes  # noqa: E402  (deploy/, the topology's own files)
import topology  # noqa: E402

from bench import side_by_side  # noqa: E402
from bench.prod_local_seed import issued, seed, warm_lessons  # noqa: E402
from bench.prod_local_watch import Watcher, cpu_seconds_by_session  # noqa: E402


def _get(url: str, host: str = "localhost", cookie: str = "") -> tuple[int, str]:
    response = requests.get(url, headers={"Host": host, "Cookie": cookie}, timeout=30)
    return response.status_code, response.text


def backend_pids_reader():
    """A callable listing the PostgreSQL backends of prod-local's database."""
    holder = {}

    def read() -> list[int]:
        if "conn" not in holder:
            holder["conn"] = topology._admin_connection()
        rows = holder["conn"].execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [topology.DB_NAME]
        )
        return [pid for (pid,) in rows.fetchall()]

    return read


def run_locust(args, plan_file: Path, folder: Path) -> tuple[dict, float]:
    """Headless Locust (``bench/side_by_side.py``'s run, with this rehearsal's
    locustfile); its figures by request name and the CPU seconds it used."""
    return side_by_side.run_locust(
        topology.HTTP_PORT,
        args.users,
        args.seconds,
        plan_file,
        folder / "locust",
        locustfile="prod_local_locustfile.py",
        plan_variable="PROD_LOAD_PLAN",
    )


def _ms(seconds: float, count: int) -> float:
    return round(seconds * 1000 / count, 1) if count else 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--scenario", choices=("recorrido", "lecciones", "xapi"), default="recorrido"
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--learners", type=int, default=600)
    parser.add_argument("--localities", type=int, default=4)
    parser.add_argument("--drain-seconds", type=int, default=300)
    args = parser.parse_args()

    state = processes.load_state()
    down = [n for n, p in state["processes"].items() if not processes.alive(p["pid"])]
    if not state["processes"] or down:
        sys.exit(f"make prod-local no está en marcha (caídos: {down or 'todos'}).")
    base = f"http://127.0.0.1:{topology.HTTP_PORT}"
    status, body = _get(f"{base}/readyz")
    if status != 200:
        sys.exit(f"/readyz respondió {status}: {body[:300]}")
    os.environ.update(topology.environment(direct=True))
    import django

    django.setup()

    run = f"carga-{time.strftime('%H%M%S')}"
    folder = topology.STATE_DIR / "bench" / run
    folder.mkdir(parents=True)
    started = time.perf_counter()
    plan = seed(args, run)
    if args.scenario == "lecciones":
        warm_lessons(plan, run)
    if args.scenario == "xapi" and not plan["learners"][0]["h5p"]:
        sys.exit("Falta el paquete H5P de prueba para el escenario xapi.")
    print(
        f"Sembrado en {time.perf_counter() - started:.0f} s: {len(plan['learners'])} "
        f"personas con sesión en {', '.join(plan['towns'])}; curso {run}."
    )
    first = plan["learners"][0]
    status, page = _get(
        base + first["lessons"][0], first["host"], f"sessionid={first['cookie']}"
    )
    if status != 200 or plan["signed_in_marker"] not in page:
        sys.exit(f"La lección no se sirvió con la sesión iniciada ({status}).")
    plan_file = folder / "plan.json"
    plan_file.write_text(json.dumps(plan))

    sessions = {name: info["pid"] for name, info in state["processes"].items()}
    backends = backend_pids_reader()
    watcher = Watcher(topology.WEB_PORTS, backends)
    load_before = os.getloadavg()
    cpu_before = cpu_seconds_by_session(sessions)
    backends_before = watcher.backend_snapshot()
    done_before = issued(run, plan["towns"])
    watcher.start()
    rows, locust_cpu = run_locust(args, plan_file, folder)
    cpu_load = cpu_seconds_by_session(sessions)
    backends_load = watcher.backend_snapshot()
    load_during = os.getloadavg()

    # The workers finish what the load queued: a certificate per completion.
    deadline = time.monotonic() + args.drain_seconds
    while time.monotonic() < deadline:
        completions, certificates = issued(run, plan["towns"])
        last = watcher.samples[-1] if watcher.samples else {}
        queue = max(
            (last[p]["queue"] for p in topology.WEB_PORTS if p in last), default=0
        )
        if certificates >= completions and queue <= 0:
            break
        time.sleep(1)
    drained = time.monotonic() < deadline
    cpu_after = cpu_seconds_by_session(sessions)
    watcher.sample(-1)
    watcher.stop()
    completions, certificates = issued(run, plan["towns"])
    completions -= done_before[0]
    certificates -= done_before[1]

    total = rows["Aggregated"]
    requests = int(total["count"])
    failures = int(total["failures"])
    # Backends up to the end of the load (the drain after it is the workers').
    backend_cpu = sum(
        seconds - backends_before.get(pid, 0.0)
        for pid, seconds in backends_load.items()
    )

    def spent(name: str, until: dict) -> float:
        return sum(until[p] - cpu_before[p] for p in until if p.startswith(name))

    result = {
        "scenario": args.scenario,
        "users": args.users,
        "seconds": args.seconds,
        "requests": requests,
        "failures": failures,
        "requests_per_second": round(total["rps"], 1),
        "median_ms": int(total["p50"]),
        "p95_ms": int(total["p95"]),
        "by_name": {
            name: {
                "requests": int(row["count"]),
                "failures": int(row["failures"]),
                "median_ms": int(row["p50"]),
                "p95_ms": int(row["p95"]),
            }
            for name, row in rows.items()
            if name != "Aggregated"
        },
        "metrics": watcher.summary(),
        "cpu_ms_per_request": {
            "web nodes": _ms(spent("web", cpu_load), requests),
            "PostgreSQL": _ms(backend_cpu, requests),
            "PgBouncer": _ms(spent("pgbouncer", cpu_load), requests),
            "nginx": _ms(spent("nginx", cpu_load), requests),
            "Locust (load generator)": _ms(locust_cpu, requests),
        },
        "completions": completions,
        "certificates": certificates,
        "queue_drained": drained,
        "worker_cpu_ms_per_completion": _ms(spent("worker", cpu_after), completions),
        "worker_cpu_seconds": round(spent("worker", cpu_after), 1),
        "load_average_before_during": [
            round(load_before[0], 1),
            round(load_during[0], 1),
        ],
        "cores": os.cpu_count(),
    }
    (folder / "result.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False)
    )
    report(result, folder)
    return 1 if failures or result["metrics"]["errors_5xx"] else 0


def report(result: dict, folder: Path) -> None:
    m = result["metrics"]
    print(
        f"\nLocust por nginx, escenario {result['scenario']}: {result['users']} personas, "
        f"{result['seconds']} s: {result['requests']} peticiones, "
        f"{result['requests_per_second']} req/s, mediana {result['median_ms']} ms, "
        f"p95 {result['p95_ms']} ms, fallas {result['failures']}"
    )
    for name, row in sorted(result["by_name"].items()):
        print(
            f"  {name:24} {row['requests']:>6} peticiones, mediana "
            f"{row['median_ms']} ms, p95 {row['p95_ms']} ms, fallas {row['failures']}"
        )
    print(
        f"/metrics ({m['scrapes']} lecturas por nodo, {m['scrape_errors']} fallidas): "
        f"peticiones contadas por nodo {m['requests_per_node']}, 5xx {m['errors_5xx']}; "
        f"cola de Celery máx. {m['queue_max']} (inicio/fin {m['queue_first_last']}), "
        f"outbox máx. {m['outbox_max']}"
    )
    print(
        "CPU por petición (ms): "
        + ", ".join(f"{k} {v}" for k, v in result["cpu_ms_per_request"].items())
    )
    print(
        f"Aprobaciones {result['completions']}, certificados {result['certificates']} "
        f"(cola vaciada: {result['queue_drained']}); CPU de los workers "
        f"{result['worker_cpu_seconds']} s = {result['worker_cpu_ms_per_completion']} "
        f"ms por aprobación. Carga (1 min) antes/durante: "
        f"{result['load_average_before_during']} en {result['cores']} núcleos."
    )
    print(f"Resultado: {folder / 'result.json'}")


if __name__ == "__main__":
    sys.exit(main())
