"""Lesson-page load, this checkout against an older commit, side by side.

Used by ``bench/learning.py --baseline <commit>``; ``checkout`` and
``compile_messages`` also by ``bench/dashboards.py --baseline``. Both servers run at once on
the same seeded database (same seed, same sessions, same Locust client and
settings); only one is loaded at a time. Rounds are interleaved (old, new, new,
old, ...) so the noise of a shared machine falls on both alike. The table gives
each round and the medians, and the throughput ratio new/old.
"""

from __future__ import annotations

import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def checkout(commit: str, *, repo: Path = ROOT) -> Path:
    """The files of ``commit`` (in ``repo``, this checkout's by default) in a
    fresh temporary folder (``git archive``: no worktree or branch is made in
    the repository). The one copy the side-by-side benchmarks share."""
    target = Path(tempfile.mkdtemp(prefix=f"bench-{commit[:10]}-"))
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit],
        cwd=repo,
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def compile_messages(root: Path) -> None:
    """Compiled catalogs, as a deployment has them (the pages are translated)."""
    env = dict(os.environ, PYTHONPATH=str(root))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [
            str(Path(sys.executable).parent / "django-admin"),
            "compilemessages",
            "--verbosity=0",
            "--ignore=node_modules",
        ],
        cwd=root,
        env=env,
        check=True,
    )


def run_locust(
    port: int,
    users: int,
    seconds: int,
    plan_file: Path,
    prefix: Path,
    *,
    locustfile: str = "learning_locustfile.py",
    plan_variable: str = "LEARNING_BENCH_PLAN",
) -> tuple[dict[str, dict[str, float]], float]:
    """One closed-loop, headless Locust run of ``bench/<locustfile>`` (its plan
    named by ``plan_variable``): its figures per request name, the whole run
    under "Aggregated", and the CPU seconds (user + system) Locust itself used,
    the load generator's share of the machine (the prod-local rehearsal,
    ``bench/prod_local_load.py``, reports it per request). Also the monitoring
    and prod-local benchmarks' client."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(ROOT / "bench" / locustfile),
            "--headless",
            f"-u={users}",
            f"-r={users}",
            f"-t={seconds}s",
            f"--host=http://127.0.0.1:{port}",
            f"--csv={prefix}",
            "--only-summary",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=dict(os.environ, **{plan_variable: str(plan_file)}),
        check=False,
        # Its own summary table repeats what is printed from the CSV.
        stdout=subprocess.DEVNULL,
    )
    # Children's usage counts a child once it has ended and been waited for,
    # as subprocess.run does: this is Locust's own CPU (and its workers').
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with open(f"{prefix}_stats.csv") as handle:
        rows = {
            row["Name"]: {
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
                "max": float(row["Max Response Time"]),
                "count": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
            }
            for row in csv.DictReader(handle)
        }
    return rows, cpu


def compare(
    ports: dict[str, int],
    users_list: list[int],
    rounds: int,
    seconds: int,
    plan_file: Path,
    workdir: Path,
) -> dict[tuple[str, int], list[dict[str, float]]]:
    """Interleaved rounds for each number of users; results per (label, users)."""
    results: dict[tuple[str, int], list[dict[str, float]]] = {}
    labels = list(ports)
    for users in users_list:
        for n in range(rounds):
            order = labels if n % 2 == 0 else labels[::-1]
            for label in order:
                prefix = workdir / f"{label}-{users}-{n}"
                row = run_locust(ports[label], users, seconds, plan_file, prefix)[0][
                    "lección"
                ]
                results.setdefault((label, users), []).append(row)
                print(
                    f"  ronda {n + 1}, {users} clientes, {label}: "
                    f"{row['rps']:.1f} sol/s, p50 {row['p50']:.0f} ms, "
                    f"p95 {row['p95']:.0f} ms, {row['failures']} fallas",
                    flush=True,
                )
    return results


def table(
    results: dict[tuple[str, int], list[dict[str, float]]],
    old: str,
    new: str,
) -> str:
    """Markdown table of the medians over the rounds, with the ratio new/old."""
    lines = [
        "| Clientes | Versión | sol/s (mediana) | p50 ms | p95 ms | fallas | sol/s nueva ÷ anterior |",
        "|---|---|---|---|---|---|---|",
    ]
    for users in sorted({u for _, u in results}):
        medians = {}
        for label in (old, new):
            rows = results[(label, users)]
            medians[label] = {
                key: statistics.median(r[key] for r in rows)
                for key in ("rps", "p50", "p95")
            }
            failures = sum(r["failures"] for r in rows)
            m = medians[label]
            ratio = ""
            if label == new and medians[old]["rps"]:
                ratio = f"{m['rps'] / medians[old]['rps']:.2f} x"
            lines.append(
                f"| {users} | {label} | {m['rps']:.1f} | {m['p50']:.0f} | "
                f"{m['p95']:.0f} | {failures} | {ratio} |"
            )
    return "\n".join(lines)


def run(args, plan: list[dict], media: Path, check_signed_in) -> None:
    """The lesson pages of ``args.baseline`` and of this checkout, interleaved."""
    from bench.server import start_gunicorn

    old_root = checkout(args.baseline)
    compile_messages(old_root)
    plan_file = media / "plan.json"
    plan_file.write_text(json.dumps(plan))
    old, new = f"anterior {args.baseline[:7]}", "esta rama"
    ports = {old: args.port + 1, new: args.port}
    servers = []
    try:
        for label, root in ((old, old_root), (new, ROOT)):
            servers.append(
                start_gunicorn(ports[label], root, LEARNING_BENCH_PLAN=str(plan_file))
            )
            for entry in plan:
                check_signed_in(ports[label], entry)
        cache = os.environ.get("REDIS_CACHE_URL", "en memoria por proceso")
        print(
            f"Semilla {args.seed}; caché {cache}; Locust ({args.client}), lazo cerrado, "
            f"{args.seconds} s por ronda, {args.rounds} rondas intercaladas"
        )
        users = [int(u) for u in args.users.split(",")]
        results = compare(ports, users, args.rounds, args.seconds, plan_file, media)
        print(table(results, old, new))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
