"""Benchmark: certificates per second per core (signed credential + PDF with QR).

Run: .venv/bin/python bench/certificates.py [--count 200] [--processes 2]

Each certificate is what the issuing task computes after its database insert: the
Open Badges 3.0 credential, its eddsa-rdfc-2022 proof (RDFC-1.0 canonicalization
of document and proof options + Ed25519) and the Spanish PDF with its QR code.
The database work (one insert, one update, one file write) is not included; it is
small next to these and is measured by nothing here. Target: 50,000 certificates
in under 45 minutes on this 2-core machine (18.5 per second in total).
No database is touched: DATABASE_URL points nowhere on purpose.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()

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
