"""Benchmark: citizen monitoring's public pages with 500 projects and 5,000 reports.

Run: .venv/bin/python bench/monitoring.py [--projects 500] [--reports 5000]
     [--visitors 50] [--seconds 30] [--port 8187] [--client locust|threads]
     [--change-every N] [--baseline <commit> --rounds 2] [--seed 13]
     [--profile N]

Creates its own throw-away database (``bench_lms_monitoring``), one locality
with --projects projects (spread over the five lines, the locality's UPZs and
barrios, with official figures and a timeline) and --reports citizen reports
(90 % published, each with its answer request; the rest waiting for review),
seeded with bulk inserts. Then gunicorn (as deployed: one process per core x
4 threads) serves, and --visitors anonymous visitors (no think time, taking
gzip) read for --seconds, in turn: the public list, the list of a random UPZ
(as the map's links), a random project page, the open-data projects CSV and
JSON, the reports CSV and JSON, and the OCDS release package.

The client (``bench/monitoring_load.py``) is Locust's FastHttpUser in a process
of its own (``--client locust``, the default) or the first one, Python threads
in this process (``--client threads``; their GIL wait counts as latency).
``--change-every N`` publishes a waiting report every N seconds during the
load, so the kept pages are dropped and rebuilt under load. ``--baseline``
serves an older commit's files (``git archive``) from a second gunicorn on
--port + 1, on the same database, and runs --rounds rounds of each,
interleaved (old, new, new, old, ...), the cache emptied before each run.
Prints, per page: the first (cold) response time and body size, then per run
requests/s, p50, p95 and max, and with --baseline the medians side by side.
``--profile N`` instead asks each kept address N times in process through
Django's WSGI handler, prints the time per answer and cProfile's top
functions (``bench/monitoring_profile.py``), and stops. Target: p95 under
300 ms. The shared cache is Redis (``REDIS_CACHE_URL``, db 12 unless set),
flushed at the start, as in production. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
os.environ.setdefault("LMS_TEST_DB_NAME", "bench_lms_monitoring")
os.environ.setdefault("REDIS_CACHE_URL", "redis://127.0.0.1:6379/12")
TARGET_P95_MS = 300.0
SCHEMA, SLUG, HOST = "bench_kennedy", "kennedy", "kennedy.test"


def seed(n_projects: int, n_reports: int) -> list[str]:
    """Projects and reports of one locality (bulk inserts); returns the codes."""
    from django.utils import timezone

    from monitoring import api
    from monitoring.models import (
        AnswerRequest,
        CitizenReport,
        InvestmentProject,
        Veeduria,
    )
    from monitoring.projects import locality_places

    rng = random.Random(13)  # noqa: S311 - benchmark data, not secrets
    places = locality_places()
    barrios = [b for b in places.barrios.values() if b.upz_code in places.upz]
    lines = list(api.InvestmentLine)
    statuses = list(api.ProjectStatus)
    projects = []
    for n in range(n_projects):
        barrio = barrios[n % len(barrios)]
        projects.append(
            InvestmentProject(
                code=f"KEN-{2024 + n % 3}-{n:04d}",
                name=f"Proyecto de inversión local número {n}",
                line=lines[n % len(lines)].value,
                spending_concept="Dotación y obras de la comunidad",
                budget=Decimal(rng.randrange(50, 2000) * 1_000_000),
                upz_code=barrio.upz_code,
                barrio_code=barrio.code,
                starts_on=date(2025, 1, 1) + timedelta(days=n % 300),
                ends_on=date(2026, 12, 1),
                status=statuses[n % len(statuses)].value,
                progress=Decimal(rng.randrange(0, 100)),
                progress_as_of=date(2026, 10, 31),
                secop_contract_id=f"CO1.PCCNTR.{5_000_000 + n}",
                secop_url=f"https://community.secop.gov.co/Public/Tendering/{n}",
                official_timeline=[
                    {
                        "date": "2025-03-01",
                        "title": "Acta de inicio",
                        "description": "",
                    },
                    {"date": "2025-09-15", "title": "Obra gris", "description": ""},
                ],
            )
        )
    InvestmentProject.objects.bulk_create(projects, batch_size=1000)
    ids = list(InvestmentProject.objects.order_by("pk").values_list("pk", "code"))
    veeduria = Veeduria.objects.create(
        name="Veeduría de prueba",
        purpose="Vigilar",
        territorial_level="Local",
        duration="Un año",
        residence="Kennedy",
        founded_on=date(2026, 1, 1),
        registered_with="personeria",
        registration_number="1",
        registered_on=date(2026, 1, 2),
    )
    now = timezone.now()
    checklist = {
        key: "si" for key, _q in api.questions_for(api.InvestmentLine.INFRASTRUCTURE)
    }
    verdicts = [v.value for v in api.Verdict]
    reports = []
    for n in range(n_reports):
        project_id = ids[n % len(ids)][0]
        published = n % 10 != 0
        reports.append(
            CitizenReport(
                project_id=project_id,
                author_id=1_000 + n % 300,
                veeduria=veeduria,
                idempotency_key=uuid.uuid4(),
                observed_progress=Decimal(rng.randrange(0, 100)),
                checklist=checklist,
                observations="Observaciones de la visita a la obra.",
                public_observations="Observaciones de la visita a la obra."
                if published
                else "",
                verdict=verdicts[n % 3],
                status="publicado" if published else "enviado",
                reviewer_id=999 if published else None,
                reviewed_at=now - timedelta(days=n % 200) if published else None,
            )
        )
    CitizenReport.objects.bulk_create(reports, batch_size=2000)
    CitizenReport.objects.update(submitted_at=now - timedelta(days=1))
    AnswerRequest.objects.bulk_create(
        (
            AnswerRequest(
                report_id=pk,
                requested_on=date(2026, 10, 1),
                due_on=date(2026, 10, 23),
            )
            for pk in CitizenReport.objects.filter(status="publicado").values_list(
                "pk", flat=True
            )
        ),
        batch_size=2000,
    )
    return [code for _pk, code in ids]


def in_process(codes: list[str]) -> None:
    """Each page once in this process, uncached: time and number of queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from monitoring.public_cache import bump

    client = Client(HTTP_HOST=HOST)
    for path in (
        "/seguimiento/",
        "/seguimiento/?upz=UPZ82",
        f"/seguimiento/proyectos/{codes[0]}/",
        "/seguimiento/datos/proyectos.csv",
        "/seguimiento/datos/reportes.json",
        "/seguimiento/datos/ocds.json",
    ):
        with tenants_api_in(SCHEMA):
            bump()
        with CaptureQueriesContext(connection) as queries:
            t = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - t) * 1000
        hits = []
        for _ in range(10):
            with CaptureQueriesContext(connection) as kept_queries:
                t = time.perf_counter()
                client.get(path, HTTP_ACCEPT_ENCODING="gzip")
                hits.append((time.perf_counter() - t) * 1000)
        print(
            f"en proceso: {path} {response.status_code}: sin caché {elapsed:.0f} ms, "
            f"{len(queries.captured_queries)} consultas; guardada (mediana de 10) "
            f"{statistics.median(hits):.0f} ms, "
            f"{len(kept_queries.captured_queries)} consultas"
        )


def tenants_api_in(schema: str):
    from tenants import api as tenants_api

    return tenants_api.in_locality(schema)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--port", type=int, default=8187)
    parser.add_argument("--client", choices=("locust", "threads"), default="locust")
    parser.add_argument("--change-every", type=float, default=0.0)
    parser.add_argument(
        "--bodies",
        choices=("decoded", "raw"),
        default="decoded",
        help="Locust: decompress each body (as before) or only read it",
    )
    parser.add_argument("--baseline", help="older commit to compare with")
    parser.add_argument(
        "--rounds", type=int, default=0, help="default 1, 2 with --baseline"
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        help="profile N kept answers per address in process, then stop",
    )
    args = parser.parse_args()
    args.rounds = args.rounds or (2 if args.baseline else 1)
    os.environ["MONITORING_BENCH_BODIES"] = args.bodies
    os.environ["LMS_TEST_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bench-monitoring-")

    import django

    django.setup()
    from django.core.cache import cache
    from django.test.utils import setup_databases, teardown_databases

    from bench.server import start_gunicorn
    from monitoring.projects import locality_places
    from tenants import api as tenants_api
    from tenants.data import LocalitySpec

    config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    servers = []
    try:
        started = time.perf_counter()
        spec = LocalitySpec(schema_name=SCHEMA, name="Kennedy", slug=SLUG)
        tenants_api.provision_locality(spec, domain=HOST)
        with tenants_api.in_locality(SCHEMA):
            codes = seed(args.projects, args.reports)
            upz_codes = sorted(locality_places().upz)
        print(
            f"Sembrado: {args.projects} proyectos y {args.reports} reportes en "
            f"{time.perf_counter() - started:.0f} s"
        )
        cache.clear()
        in_process(codes)
        if args.profile:
            from bench.monitoring_profile import addresses, profile_kept

            cache.clear()
            profile_kept(HOST, addresses(codes[0], upz_codes[0]), args.profile)
            return
        ports = {"esta rama": args.port}
        roots = {"esta rama": ROOT}
        if args.baseline:
            from bench.side_by_side import checkout, compile_messages

            old = f"anterior {args.baseline[:7]}"
            roots[old] = checkout(args.baseline)
            compile_messages(roots[old])
            ports = {old: args.port + 1, **ports}
            roots = {old: roots[old], "esta rama": ROOT}
        for label, port in ports.items():
            servers.append(start_gunicorn(port, roots[label]))
        _measure(args, ports, codes, upz_codes)
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                # Still answering the queue of an overloaded run; the database
                # below must be dropped all the same.
                server.kill()
                server.wait(timeout=30)
        from django.db import connection

        connection.set_schema_to_public()
        teardown_databases(config, verbosity=0)


def _measure(args, ports: dict[str, int], codes: list[str], upz: list[str]) -> None:
    """The cold pass, then the rounds of load (interleaved with --baseline)."""
    import random

    from django.core.cache import cache

    from bench import monitoring_load as load

    rng = random.Random(args.seed)  # noqa: S311 - benchmark choices
    pages = {
        "lista pública": lambda: "/seguimiento/",
        "lista por UPZ": lambda: f"/seguimiento/?upz={rng.choice(upz)}",
        "página de proyecto": lambda: f"/seguimiento/proyectos/{rng.choice(codes)}/",
        "proyectos.csv": lambda: "/seguimiento/datos/proyectos.csv",
        "proyectos.json": lambda: "/seguimiento/datos/proyectos.json",
        "reportes.csv": lambda: "/seguimiento/datos/reportes.csv",
        "reportes.json": lambda: "/seguimiento/datos/reportes.json",
        "ocds.json": lambda: "/seguimiento/datos/ocds.json",
    }
    names = list(pages)
    workdir = Path(tempfile.mkdtemp(prefix="bench-monitoring-load-"))
    plan = load.write_plan(workdir / "plan.json", HOST, codes, upz, args.seed)
    for label, port in ports.items():
        cache.clear()
        with requests.Session() as session:
            cold = []
            for name, path in pages.items():
                t = time.perf_counter()
                response = session.get(
                    f"http://127.0.0.1:{port}{path()}",
                    headers={"Host": HOST, "Accept-Encoding": "gzip"},
                    timeout=60,
                )
                if response.status_code != 200:
                    sys.exit(f"{label} {name}: HTTP {response.status_code}")
                cold.append(
                    f"{name} {(time.perf_counter() - t) * 1000:.0f} ms "
                    f"({len(response.content) / 1024:.0f} kB)"
                )
        print(f"{label}, primera visita (fría): " + "; ".join(cold))
    print(
        f"Cliente {args.client} (cuerpos {args.bodies}), {args.visitors} "
        "visitantes sin pausa, "
        f"{args.seconds} s por corrida, semilla {args.seed}, "
        f"caché {os.environ['REDIS_CACHE_URL']} (vaciada antes de cada corrida), "
        f"un reporte publicado cada {args.change_every or '∞'} s"
    )
    runs: dict[str, list] = {label: [] for label in ports}
    labels = list(ports)
    for n in range(args.rounds):
        for label in labels if n % 2 == 0 else labels[::-1]:
            cache.clear()
            before = os.getloadavg()[0]
            with load.publishing(SCHEMA, args.change_every) as took:
                if args.client == "locust":
                    stats = load.run_locust(
                        ports[label],
                        plan,
                        args.visitors,
                        args.seconds,
                        workdir / f"{n}-{ports[label]}",
                    )
                else:
                    stats = load.run_threads(
                        ports[label], pages, HOST, args.visitors, args.seconds
                    )
            runs[label].append(stats)
            published = (
                f", {len(took)} reportes publicados (mediana "
                f"{statistics.median(took):.0f} ms)"
                if took
                else ""
            )
            load.print_stats(
                f"Ronda {n + 1}, {label} (carga {before:.1f} → "
                f"{os.getloadavg()[0]:.1f}{published})",
                stats,
                names,
            )
    worst = max(
        statistics.median(r[name]["p95"] for r in runs["esta rama"]) for name in names
    )
    if len(labels) == 2:
        load.print_comparison(runs, labels[0], "esta rama", names)
    verdict = "cumple" if worst < TARGET_P95_MS else "NO cumple"
    print(
        f"Peor p95 (esta rama, mediana de {args.rounds}): {worst:.0f} ms "
        f"({verdict} la meta de {TARGET_P95_MS:.0f} ms)"
    )


if __name__ == "__main__":
    main()
