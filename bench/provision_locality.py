"""Benchmark: provisioning one locality by cloning the template vs. by migrations.

Run: .venv/bin/python bench/provision_locality.py [--rounds 5]
Uses the configured database (DATABASE_URL, else the embedded server), creates
schemas named bench_* and drops them afterwards. Prints medians and the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings

    from tenants import api
    from tenants.data import LocalitySpec
    from tenants.models import Locality

    call_command("migrate_localities", verbosity=0)

    def provision(tag: str, i: int) -> tuple[float, bool]:
        spec = LocalitySpec(
            schema_name=f"bench_{tag}_{i}",
            name=f"Bench {tag} {i}",
            slug=f"bench-{tag}-{i}",
        )
        started = time.perf_counter()
        api.provision_locality(spec, domain=f"bench-{tag}-{i}.localhost")
        seconds = time.perf_counter() - started
        served = (
            Client(HTTP_HOST=f"bench-{tag}-{i}.localhost").get("/").status_code == 200
        )
        connection.set_schema_to_public()  # the in-process request left it on the tenant
        return seconds, served

    def drop(tag: str) -> None:
        for locality in Locality.objects.filter(
            schema_name__startswith=f"bench_{tag}_"
        ):
            locality.delete(force_drop=True)

    results: dict[str, list[float]] = {}
    try:
        clone = [provision("clone", i) for i in range(rounds)]
        with override_settings(
            TENANT_CREATION_FAKES_MIGRATIONS=False, TENANT_BASE_SCHEMA=None
        ):
            migrate = [provision("migrate", i) for i in range(max(2, rounds // 2))]
        results = {"clone": [s for s, _ in clone], "migrate": [s for s, _ in migrate]}
        if not all(ok for _, ok in clone + migrate):
            raise SystemExit("Una localidad creada no sirvió su página de inicio.")
    finally:
        drop("clone")
        drop("migrate")

    clone_median = statistics.median(results["clone"])
    migrate_median = statistics.median(results["migrate"])
    print(
        f"clone   n={len(results['clone'])} median={clone_median:.3f} s "
        f"runs={[round(s, 3) for s in results['clone']]}"
    )
    print(
        f"migrate n={len(results['migrate'])} median={migrate_median:.3f} s "
        f"runs={[round(s, 3) for s in results['migrate']]}"
    )
    print(f"ratio migrate/clone = {migrate_median / clone_median:.1f}x")


if __name__ == "__main__":
    main()
