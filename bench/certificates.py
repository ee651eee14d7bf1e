"""Benchmark: certificates per second (signed credential + PDF with QR).

Run: .venv/bin/python bench/certificates.py [--count 200] [--processes 2]
     .venv/bin/python bench/certificates.py --with-db [--count 2000] [--processes 2]
     CELERY_BROKER_URL=redis://127.0.0.1:6379/N \
       .venv/bin/python bench/certificates.py --celery-workers 2 [--count 50000]

Each certificate is what the issuing task computes: the Open Badges 3.0
credential, its eddsa-rdfc-2022 proof (RDFC-1.0 canonicalization of document
and proof options + Ed25519) and the Spanish PDF with its QR code.

- The default run leaves out the database (one insert, the status-list bit,
  one update, one file write): no database is touched.
- ``--with-db`` times the whole ``api.issue_certificate`` in ``--processes``
  processes at once, on a throwaway database (created like the test suite's,
  ``test_lms_bench_certificates``, dropped afterwards), one locality, one
  person per certificate.
- ``--celery-workers N`` queues ``--count`` issuing tasks and has N real
  workers (one process each, ``--pool=solo``) drain them on that database,
  Redis as the broker: the issue's target as stated, "50,000 issued with the
  database in under 30 minutes with two workers on this machine". PDFs go to
  the local private folder (production writes them to S3).

Settings: ``lms.settings.test`` (no debug), the signing key of the run's data
folder. Every run prints the machine's load average: the figures move with it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
# Its own throwaway database, never another run's test database.
os.environ.setdefault("LMS_TEST_DB_NAME", "test_lms_bench_certificates")
if not {"--with-db", "--celery-workers"} & {a.split("=")[0] for a in sys.argv}:
    os.environ.setdefault("DATABASE_URL", "postgres://bench@127.0.0.1:1/sin-base")
os.environ.setdefault("LMS_DATA_DIR", str(ROOT / ".data" / "bench"))

TARGET_COUNT = 50_000
TARGET_SECONDS = 30 * 60
SCHEMA = "bench_kennedy"
COURSE = "presupuestos-participativos"
WARM_UP = 3


def _one(i: int) -> float:
    from certificates import documents, pdf, signing

    started = time.perf_counter()
    now = datetime.now(UTC)
    code = f"KENNEDY-{i:04d}-BNCH"[:17]
    credential = documents.build_credential(
        domain="kennedy.localhost",
        locality_name="Kennedy",
        uuid=str(uuid.uuid4()),
        code=code,
        holder_name=f"Persona de Prueba Número {i}",
        document_type="CC",
        document_last_digits=f"{i % 10000:04d}",
        course_key="presupuestos-participativos",
        course_version=3,
        course_title="Presupuestos participativos y control social",
        hours=Decimal("12.5"),
        completed_at=now,
        issued_at=now,
        status_index=i,
    )
    signing.sign(
        credential,
        controller=documents.issuer_url("kennedy.localhost"),
        created=documents.xsd_datetime(now),
    )
    pdf.render_pdf(
        course_key="presupuestos-participativos",
        context={
            "code": code,
            "holder_name": f"Persona de Prueba Número {i}",
            "document_type": "CC",
            "document_last_digits": "1234",
            "course_title": "Presupuestos participativos y control social",
            "hours": Decimal("12.5"),
            "locality_name": "Kennedy",
            "issued_at": now,
            "completed_at": now,
            "verification_url": documents.verification_url("kennedy.localhost", code),
        },
    )
    return time.perf_counter() - started


def _worker(count: int) -> tuple[list[float], float, float]:
    import django

    django.setup()
    for i in range(3):  # warm up: context cache, fonts, templates
        _one(i)
    started = time.time()
    times = [_one(i) for i in range(count)]
    return times, started, time.time()


# --- With the database: the whole issuance, several processes or real workers ---


def _seed(count: int) -> tuple[dict, list[int]]:
    """A throwaway database (created like the test suite's), one locality with a
    published course, and ``count`` people, each to get one certificate."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import setup_databases

    from courses import api as courses_api
    from tenants import api as tenants_api
    from tenants.data import LocalitySpec

    config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    if not connection.settings_dict["NAME"].startswith("test_"):
        raise SystemExit("La medición con base solo corre en una base test_*.")
    tenants_api.provision_locality(
        LocalitySpec(schema_name=SCHEMA, name="Kennedy", slug="kennedy"),
        domain="kennedy.localhost",
    )
    with tenants_api.in_public_schema():
        people = get_user_model().objects.bulk_create(
            get_user_model()(
                username=f"bench-{i}",
                email=f"bench-{i}@example.org",
                first_name="Persona de Prueba",
                last_name=f"Número {i}",
                document_type="CC",
                document_number=f"{1_000_000 + i}",
            )
            for i in range(count)
        )
    with tenants_api.in_locality(SCHEMA):
        courses_api.create_course("Presupuestos participativos", key=COURSE)
    connection.set_schema_to_public()
    return config, [p.pk for p in people]


def _drop(config: dict) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import teardown_databases

    connection.set_schema_to_public()
    connection.close()
    teardown_databases(config, verbosity=0)
    # PDFs are in the private folder; anything else in the media one.
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        shutil.rmtree(Path(root) / SCHEMA, ignore_errors=True)


def _backend_cpu(pid: int) -> float:
    """CPU seconds a PostgreSQL backend on this machine has used (/proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _issue_share(user_ids: list[int]) -> tuple[list[float], float, float, float]:
    """One process: the whole ``api.issue_certificate`` for each person (the
    first three warm up: templates, contexts, connections). Also returns the
    CPU seconds this process and its database backend spent after warming up,
    a figure the machine's load moves far less than the wall clock."""
    import django

    django.setup()
    from django.db import connection

    from certificates import api
    from tenants import api as tenants_api

    times: list[float] = []
    started = time.time()
    cpu = 0.0
    with tenants_api.in_locality(SCHEMA):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        for n, user_id in enumerate(user_ids):
            if n == WARM_UP:
                started = time.time()
                cpu = -(time.process_time() + _backend_cpu(backend))
            begin = time.perf_counter()
            api.issue_certificate(
                user_id, course_key=COURSE, course_version=1, completed_at=_now()
            )
            times.append(time.perf_counter() - begin)
        cpu += time.process_time() + _backend_cpu(backend)
    return times[WARM_UP:], started, time.time(), cpu


def _with_database(count: int, processes: int) -> None:
    """``count`` certificates issued by ``processes`` processes at once, each
    calling ``api.issue_certificate`` as the task does (one locality: they
    share its status list, as a campaign's peak in one locality would)."""
    from django.db import connection

    from lms.database import url_for

    config, people = _seed(count + WARM_UP * processes)
    try:
        os.environ["DATABASE_URL"] = url_for(connection.settings_dict)
        shares = [people[i::processes] for i in range(processes)]
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(processes) as pool:
            results = pool.map(_issue_share, shares)
        wall = max(r[2] for r in results) - min(r[1] for r in results)
        times = [t for r in results for t in r[0]]
        _report(
            f"Con base de datos: {processes} procesos, {len(times)} certificados",
            len(times) / wall,
            times,
        )
        cpu = sum(r[3] for r in results) / len(times)
        print(
            f"  CPU por certificado (proceso + su backend de PostgreSQL): "
            f"{cpu * 1000:.1f} ms; en 2 núcleos libres, 50.000 en "
            f"{TARGET_COUNT * cpu / 2 / 60:.1f} min"
        )
    finally:
        _drop(config)


def _with_celery(count: int, workers: int) -> None:
    """``count`` issuing tasks queued (as the completions' outbox sends them),
    then ``workers`` real Celery workers (one process each) drain the queue;
    the rate is measured over the certificates' own issue times."""
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Max, Min

    from certificates.models import Certificate
    from certificates.tasks import issue_certificate_task
    from lms.celery import app
    from lms.database import url_for
    from tenants import api as tenants_api

    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"):
        raise SystemExit("--celery-workers necesita CELERY_BROKER_URL=redis://…")
    config, people = _seed(count)
    processes = []
    log_dir = Path(os.environ["LMS_DATA_DIR"]) / "bench-certificates"
    log_dir.mkdir(parents=True, exist_ok=True)
    try:
        app.control.purge()
        completed = _now().isoformat()
        queued = time.time()
        with tenants_api.in_locality(SCHEMA):
            for user_id in people:
                issue_certificate_task.delay(user_id, COURSE, 1, completed)
        print(f"{count} tareas en cola en {time.time() - queued:.1f} s")
        env = dict(os.environ, DATABASE_URL=url_for(connection.settings_dict))
        started = time.time()
        for n in range(workers):
            log = (log_dir / f"worker{n}.log").open("w")
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "lms",
                        "worker",
                        "--pool=solo",
                        "--loglevel=WARNING",
                        "-n",
                        f"bench{n}@%h",
                        "--without-gossip",
                        "--without-mingle",
                        "--without-heartbeat",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        with tenants_api.in_locality(SCHEMA):
            issued = Certificate.objects.exclude(credential=None)
            done = 0
            while done < count:
                time.sleep(5)
                done = issued.count()
                print(f"  {done}/{count} en {time.time() - started:.0f} s", flush=True)
                if any(p.poll() is not None for p in processes):
                    raise SystemExit(f"Un worker terminó; vea {log_dir}")
            span = issued.aggregate(first=Min("issued_at"), last=Max("issued_at"))
        elapsed = time.time() - started
        seconds = (span["last"] - span["first"]).total_seconds()
        print(
            f"Con {workers} workers de Celery: {count} certificados en "
            f"{elapsed:.0f} s desde el arranque de los workers; "
            f"{seconds:.0f} s entre el primero y el último"
        )
        _report(f"{workers} workers de Celery", (count - 1) / seconds, None)
        # Each certificate queues follow-up work (the person's standing in
        # participation, webhooks): it waits behind the issuing tasks, so most
        # of it runs after the last certificate. The whole work counts too.
        _wait_for_empty_queue(app)
        drained = time.time() - started
        print(
            f"Cola vacía (con las tareas que siguen a cada certificado) a los {drained:.0f} s"
        )
        _report(f"{workers} workers de Celery, todo el trabajo", count / drained, None)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        app.control.purge()
        _drop(config)


def _wait_for_empty_queue(app) -> None:
    """Until no task waits in the Redis broker's queue (kombu's list per
    priority step) nor is held unacknowledged by a worker."""
    queue = app.conf.task_default_queue
    lists = [queue] + [f"{queue}\x06\x16{step}" for step in (3, 6, 9)]
    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        while sum(client.llen(name) for name in lists) or client.hlen("unacked"):
            time.sleep(2)


def _now():
    return datetime.now(UTC)


def _report(title: str, rate: float, times: list[float] | None) -> None:
    print(f"{title}:")
    if times:
        print(
            f"  mediana {statistics.median(times) * 1000:.1f} ms/certificado · p90 "
            f"{statistics.quantiles(times, n=10)[-1] * 1000:.1f} ms"
        )
    projected = TARGET_COUNT / rate
    verdict = "cumple" if projected < TARGET_SECONDS else "NO cumple"
    print(
        f"  {rate:.1f} certificados/s en total · 50.000 en {projected / 60:.1f} min "
        f"proyectados (meta < {TARGET_SECONDS // 60} min: {verdict})"
    )
    load = os.getloadavg()
    print(
        f"  carga de la máquina (1/5/15 min): {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument(
        "--with-db",
        action="store_true",
        help="medir api.issue_certificate completo en una base desechable",
    )
    parser.add_argument(
        "--celery-workers",
        type=int,
        default=0,
        help="encolar --count tareas y medir con N workers de Celery reales",
    )
    args = parser.parse_args()
    if args.celery_workers:
        _with_celery(args.count, args.celery_workers)
        return
    if args.with_db:
        _with_database(args.count, args.processes)
        return

    one_core, _, _ = _worker(args.count)
    median = statistics.median(one_core)
    print(f"1 proceso, {args.count} certificados:")
    print(
        f"  mediana {median * 1000:.1f} ms/certificado · p90 "
        f"{statistics.quantiles(one_core, n=10)[-1] * 1000:.1f} ms · "
        f"{1 / median:.1f} certificados/s por núcleo"
    )

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(args.processes) as pool:
        results = pool.map(_worker, [args.count] * args.processes)
    # From the first process starting to measure to the last one finishing.
    wall = max(r[2] for r in results) - min(r[1] for r in results)
    times = [t for r in results for t in r[0]]
    _report(
        f"{args.processes} procesos en paralelo, sin base, {len(times)} certificados",
        len(times) / wall,
        times,
    )


if __name__ == "__main__":
    main()
