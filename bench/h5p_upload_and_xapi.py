"""Benchmark: H5P upload + validation of the 9 valid fixture packages, and the xAPI
endpoint (statements per second, single and batches of 100, p95 latency).

Run: .venv/bin/python bench/h5p_upload_and_xapi.py [--rounds 5] [--requests 300]
Creates its own throw-away database (``bench_lms_h5p`` on the configured server,
with the test settings) and drops it afterwards; the development data is not
touched. Requests go through Django's test client in this process (middleware,
tenant routing, session and view included; no network, no web server).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
os.environ.setdefault("LMS_TEST_DB_NAME", "bench_lms_h5p")
FIXTURES = ROOT.parent / "shared" / "fixtures" / "h5p" / "valid"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def statement() -> dict:
    return {
        "id": str(uuid.uuid4()),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": "http://bench/h5p/x/"},
        "result": {"score": {"raw": 1, "max": 1, "scaled": 1.0}, "success": True},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    packages = sorted(FIXTURES.glob("*.h5p"))
    if not packages:
        sys.exit(f"No están los paquetes H5P de prueba en {FIXTURES}.")

    media = Path(tempfile.mkdtemp(prefix="bench-h5p-"))
    os.environ["LMS_TEST_MEDIA_ROOT"] = str(media)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_databases, teardown_databases

    from h5p import api
    from h5p.models import H5PContent, H5PLibrary
    from tenants import api as tenants_api
    from tenants.data import LocalitySpec

    config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        spec = LocalitySpec(schema_name="bench_h5p", name="Bench", slug="bench-h5p")
        tenants_api.provision_locality(spec, domain="bench-h5p.test")

        check: dict[str, list[float]] = {p.name: [] for p in packages}
        install: dict[str, list[float]] = {p.name: [] for p in packages}
        with tenants_api.in_locality(spec.schema_name):
            for _ in range(args.rounds):
                # Fresh locality state each round: every package installs its
                # libraries (the slow path), as the first upload in a locality does.
                H5PContent.objects.all().delete()
                H5PLibrary.objects.all().delete()
                shutil.rmtree(media / spec.schema_name, ignore_errors=True)
                for path in packages:
                    data = path.read_bytes()
                    started = time.perf_counter()
                    checked = api.check_package(
                        data, name=path.name, may_add_libraries=True
                    )
                    middle = time.perf_counter()
                    api.install_package(checked)
                    install[path.name].append(time.perf_counter() - middle)
                    check[path.name].append(middle - started)
            key = H5PContent.objects.first().key
        connection.set_schema_to_public()

        print(f"Subir y validar ({args.rounds} rondas, mediana por paquete)")
        print(f"{'paquete':32} {'KB':>6} {'validar ms':>11} {'instalar ms':>12}")
        for path in packages:
            print(
                f"{path.name:32} {path.stat().st_size // 1024:>6} "
                f"{statistics.median(check[path.name]) * 1000:>11.1f} "
                f"{statistics.median(install[path.name]) * 1000:>12.1f}"
            )
        total = [
            sum(check[p.name][i] + install[p.name][i] for p in packages)
            for i in range(args.rounds)
        ]
        print(
            f"los 9 paquetes, mediana por ronda: {statistics.median(total) * 1000:.0f} ms"
        )

        with tenants_api.in_public_schema():
            learner = get_user_model().objects.create_user(
                username="bench-h5p", email="bench-h5p@example.org", password=None
            )
        client = Client(HTTP_HOST="bench-h5p.test")
        with tenants_api.in_locality(spec.schema_name):  # sessions are per locality
            client.force_login(learner)
        url = f"/h5p/{key}/xapi/"
        for label, size, count in (
            ("1 declaración por solicitud", 1, args.requests),
            ("lotes de 100", 100, max(10, args.requests // 10)),
        ):
            latencies = []
            started = time.perf_counter()
            for _ in range(count):
                body = [statement() for _ in range(size)]
                t0 = time.perf_counter()
                response = client.post(url, body, content_type="application/json")
                latencies.append(time.perf_counter() - t0)
                if response.status_code != 200 or response.json()["stored"] != size:
                    sys.exit(f"Respuesta inesperada: {response.content[:300]!r}")
            elapsed = time.perf_counter() - started
            print(
                f"xAPI, {label}: {count * size / elapsed:,.0f} declaraciones/s; "
                f"latencia mediana {statistics.median(latencies) * 1000:.1f} ms, "
                f"p95 {p95(latencies) * 1000:.1f} ms ({count} solicitudes)"
            )
        connection.set_schema_to_public()
    finally:
        connection.set_schema_to_public()
        teardown_databases(config, verbosity=0)
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()
