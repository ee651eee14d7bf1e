"""Benchmark: certificates per second per core (signed credential + PDF with QR).

Run: .venv/bin/python bench/certificates.py [--count 200] [--processes 2]
     .venv/bin/python bench/certificates.py --with-db [--count 200]

Each certificate is what the issuing task computes after its database insert: the
Open Badges 3.0 credential, its eddsa-rdfc-2022 proof (RDFC-1.0 canonicalization
of document and proof options + Ed25519) and the Spanish PDF with its QR code.
The default run leaves out the database work (one insert, one update, one file
write); ``--with-db`` times the whole ``api.issue_certificate`` on a throwaway
database (created like the test suite's, dropped afterwards). Target: 50,000 certificates
in under 45 minutes on this 2-core machine (18.5 per second in total).
Without ``--with-db`` no database is touched (DATABASE_URL points nowhere).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
# Its own throwaway database, never another run's test database.
os.environ.setdefault("LMS_TEST_DB_NAME", "test_lms_bench_certificates")
if "--with-db" not in sys.argv:
    os.environ.setdefault("DATABASE_URL", "postgres://bench@127.0.0.1:1/sin-base")
os.environ.setdefault(
    "LMS_DATA_DIR", str(Path(__file__).resolve().parent.parent / ".data" / "bench")
)

TARGET_COUNT = 50_000
TARGET_SECONDS = 45 * 60


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


def _with_database(count: int) -> None:
    """The whole ``api.issue_certificate`` (insert, sign, PDF, file, update) on a
    throwaway database created like the test suite's and dropped afterwards."""
    import django

    django.setup()
    from datetime import UTC, datetime

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from certificates import api
    from courses import api as courses_api
    from tenants import api as tenants_api
    from tenants.data import LocalitySpec

    config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        if not connection.settings_dict["NAME"].startswith("test_"):
            raise SystemExit("La medición con base solo corre en una base test_*.")
        tenants_api.provision_locality(
            LocalitySpec(schema_name="bench_kennedy", name="Kennedy", slug="kennedy"),
            domain="kennedy.localhost",
        )
        with tenants_api.in_public_schema():
            person = get_user_model().objects.create_user(
                username="bench", email="bench@example.org", first_name="Persona"
            )
        times = []
        with tenants_api.in_locality("bench_kennedy"):
            course = courses_api.create_course("Presupuestos participativos", key="p")
            # One person, one course, many course versions: one certificate each.
            for version in range(count + 3):
                started = time.perf_counter()
                api.issue_certificate(
                    person.pk,
                    course_key=course.key,
                    course_version=version,
                    completed_at=datetime.now(UTC),
                )
                times.append(time.perf_counter() - started)
        times = times[3:]  # warm-up
        median = statistics.median(times)
        print(f"Con base de datos (1 proceso, {count} certificados):")
        print(
            f"  mediana {median * 1000:.1f} ms/certificado · "
            f"{1 / median:.1f} certificados/s por núcleo"
        )
    finally:
        connection.set_schema_to_public()
        teardown_databases(config, verbosity=0)
        # PDFs are in the private folder; anything else in the media one.
        for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
            shutil.rmtree(Path(root) / "bench_kennedy", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument(
        "--with-db",
        action="store_true",
        help="medir también api.issue_certificate completo en una base desechable",
    )
    args = parser.parse_args()
    if args.with_db:
        _with_database(args.count)
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
    total = args.count * args.processes
    rate = total / wall
    times = [t for r in results for t in r[0]]
    print(f"{args.processes} procesos en paralelo, {total} certificados:")
    print(
        f"  {rate:.1f} certificados/s en total · mediana "
        f"{statistics.median(times) * 1000:.1f} ms/certificado"
    )
    projected = TARGET_COUNT / rate
    verdict = "cumple" if projected < TARGET_SECONDS else "NO cumple"
    print(
        f"50.000 certificados: {projected / 60:.1f} min proyectados "
        f"(meta < 45 min: {verdict})"
    )


if __name__ == "__main__":
    main()
