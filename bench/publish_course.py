"""Benchmark: release one course of 10 modules x 5 lessons to 20 localities.

Run after the localities are provisioned (``make run``, or ``manage.py
migrate_localities && manage.py provision_localities`` on the DATABASE_URL):

    .venv/bin/python bench/publish_course.py [--workers 2] [--rounds 2]
        [--baseline <commit>]

What it measures: the time from the release's commit (the trainer's «Publicar»)
until the release is finished, with ``--workers`` real Celery workers
(``--pool=solo --concurrency=1`` each, dev settings) doing the copy. The broker
is a redis-server the bench starts for itself on a free port (``redis-server``
must be installed), so no other worker on the machine takes its tasks.
Round 1 creates the course in every locality, later rounds update it. The
course body is fixed (seedless: every run copies the same 50 lessons of 80
repeated sentences).

With ``--baseline <commit>`` the same driver runs against that commit's code
too (a temporary ``git worktree``; its workers are started from it), the two
interleaved round by round, and a side-by-side table is printed. The bench
course (key ``bench-curso``) is removed from the campus and every locality
after each run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
KEY = "bench-curso"
WORKER = (
    "-m",
    "celery",
    "-A",
    "lms",
    "worker",
    "--pool=solo",
    "--concurrency=1",
    "--loglevel=INFO",
    "--without-gossip",
    "--without-mingle",
    "--without-heartbeat",
)


# --- The driver: runs inside one code tree (the current one or the baseline) ----


def drive(rounds: int, timeout: float) -> list[dict]:
    import django

    django.setup()
    from django.db import transaction

    from courses import api
    from tenants import api as tenants_api

    localities = tenants_api.locality_schemas(include_campus=False)
    results = []
    try:
        with tenants_api.in_locality("campus"):
            create_bench_course(localities)
            for round_no in range(1, rounds + 1):
                with transaction.atomic():
                    release = api.release_course(KEY)
                started = time.perf_counter()  # committed: the tasks are queued
                deadline = started + timeout
                while True:
                    state = api.get_release(release.release_id)
                    if not state.is_active or time.perf_counter() > deadline:
                        break
                    time.sleep(0.2)
                total = time.perf_counter() - started
                seconds = [t.seconds for t in state.targets if t.seconds]
                results.append(
                    {
                        "round": round_no,
                        "status": state.status,
                        "done": state.done_count,
                        "localities": len(state.targets),
                        "total": total,
                        "median": statistics.median(seconds) if seconds else None,
                        "sum": sum(seconds),
                    }
                )
    finally:
        clean_bench_course(localities)
    return results


def create_bench_course(localities: list[str]) -> None:
    """In the campus (active): the fixed 10 x 5 course, after removing any copy
    a previous run left there or in ``localities``. Shared with
    ``bench/profile_locality_copy.py``, so both measure the same course."""
    from courses import api

    clean_bench_course(localities)
    api.create_course("Curso de prueba de carga", key=KEY)
    for m in range(10):
        module = api.add_module(KEY, f"Módulo {m + 1}", key=f"{KEY}-m{m}")
        for n in range(5):
            api.add_lesson(
                module,
                f"Lección {m + 1}.{n + 1}",
                key=f"{KEY}-m{m}-l{n}",
                body=[("text", "<p>" + "Texto de la lección. " * 80 + "</p>")],
            )


def clean_bench_course(localities: list[str]) -> None:
    from courses.models import CoursePage
    from tenants import api as tenants_api

    for schema in ["campus", *localities]:
        with tenants_api.in_locality(schema):
            for page in CoursePage.objects.filter(key=KEY):
                page.delete()


# --- The runner: workers per tree, interleaved rounds, the table -----------------


def run_tree(tree: Path, args, log_dir: Path, label: str) -> list[dict]:
    env = dict(
        os.environ,
        PYTHONPATH=str(tree),
        DJANGO_SETTINGS_MODULE="lms.settings.dev",
    )
    env.pop("VIRTUAL_ENV", None)
    workers = []
    try:
        for n in range(args.workers):
            log = (log_dir / f"{label}-worker{n}.log").open("w")
            workers.append(
                subprocess.Popen(
                    [sys.executable, *WORKER, f"--hostname={label}{n}@%h"],
                    cwd=tree,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        _wait_ready(log_dir, label, args.workers)
        out = subprocess.run(
            [
                sys.executable,
                str(HERE / "bench" / "publish_course.py"),
                "--drive",
                "--rounds",
                str(args.rounds),
                "--timeout",
                str(args.timeout),
            ],
            cwd=tree,
            env=dict(env, BENCH_TREE=str(tree)),
            capture_output=True,
            text=True,
        )
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:  # a copy still running: stop it
                worker.kill()
                worker.wait()
    (log_dir / f"{label}-driver.log").write_text(out.stdout + out.stderr)
    if out.returncode:
        raise SystemExit(f"el recorrido de {label} falló:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _wait_ready(log_dir: Path, label: str, count: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        logs = [(log_dir / f"{label}-worker{n}.log") for n in range(count)]
        if all("ready." in p.read_text() for p in logs):
            return
        time.sleep(0.5)
    raise SystemExit(f"los workers de {label} no arrancaron (ver {log_dir})")


def _own_redis(log_dir: Path) -> subprocess.Popen:
    """A redis-server of the bench's own (free port, no persistence) as broker:
    no other worker on the machine can take the bench's tasks, nor the bench's
    workers anyone else's."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [
            *("redis-server", "--port", str(port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", str(log_dir)),
        ],
        stdout=subprocess.DEVNULL,
    )
    server.url = f"redis://127.0.0.1:{port}/0"  # type: ignore[attr-defined]
    time.sleep(0.5)
    return server


def _purge_queue() -> None:
    # A message left by an interrupted run would be taken by the next workers.
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "lms", "purge", "-f"],
        cwd=HERE,
        env=dict(os.environ, PYTHONPATH=str(HERE)),
        capture_output=True,
        check=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="runs per code tree")
    parser.add_argument("--baseline", help="an older commit to compare with")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.drive:
        sys.path.insert(0, os.environ.get("BENCH_TREE", str(HERE)))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
        print(json.dumps(drive(args.rounds, args.timeout)))
        return

    log_dir = Path(tempfile.mkdtemp(prefix="bench-publish-"))
    broker = _own_redis(log_dir)
    os.environ["CELERY_BROKER_URL"] = broker.url
    trees = {"actual": HERE}
    baseline_tree = None
    if args.baseline:
        baseline_tree = log_dir / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(baseline_tree), args.baseline],
            cwd=HERE,
            check=True,
            capture_output=True,
        )
        trees = {"actual": HERE, f"base {args.baseline[:8]}": baseline_tree}
    print(
        f"{args.workers} workers (solo), {args.rounds} rondas "
        f"(1: crea, siguientes: actualiza); registros en {log_dir}"
    )
    rows: dict[str, list[dict]] = {label: [] for label in trees}
    try:
        for _ in range(args.repeat):
            for label, tree in trees.items():  # interleaved: new, base, new, base
                _purge_queue()
                safe = label.replace(" ", "-")
                for result in run_tree(tree, args, log_dir, safe):
                    rows[label].append(result)
                    print(_line(label, result), flush=True)
    finally:
        broker.terminate()
        broker.wait()
        if baseline_tree is not None:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(baseline_tree)],
                cwd=HERE,
                check=False,
            )
    if len(trees) > 1:
        _table(rows, args.rounds)


def _line(label: str, r: dict) -> str:
    median = f"{r['median']:.2f}" if r["median"] is not None else "-"
    return (
        f"{label:>14} ronda {r['round']}: {r['status']}, {r['done']}/"
        f"{r['localities']} localidades, total {r['total']:.1f} s, mediana por "
        f"localidad {median} s, suma {r['sum']:.1f} s"
    )


def _table(rows: dict[str, list[dict]], rounds: int) -> None:
    labels = list(rows)
    print(
        "\n| Ronda | " + " | ".join(f"{x} (s)" for x in labels) + " | base / actual |"
    )
    print("|---|" + "---:|" * (len(labels) + 1))
    for round_no in range(1, rounds + 1):
        totals = [
            statistics.median(r["total"] for r in rows[x] if r["round"] == round_no)
            for x in labels
        ]
        name = "crea" if round_no == 1 else "actualiza"
        cells = " | ".join(f"{t:.1f}" for t in totals)
        print(f"| {round_no} ({name}) | {cells} | {totals[-1] / totals[0]:.1f}x |")


if __name__ == "__main__":
    main()
