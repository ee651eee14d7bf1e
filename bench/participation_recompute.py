"""Recompute eligibility for 50,000 people, 4 roles and 20 localities after a rule
change (issue target: under 60 s on this machine), with peak memory.

Run: .venv/bin/python bench/participation_recompute.py [--people 50000] [--rounds 3]
Creates its own database (LMS_TEST_DB_NAME, default bench_lms_roles) on the
embedded server (or DATABASE_URL), the campus and 20 localities, each with a
cycle of four roles opened from campus templates. Seeds in bulk (COPY): the
people (home locality, birth date from 10 to 80 years, some unknown) and the
city-wide index of certificates (about 70 % certified in the participatory-
budgeting course, one in ten of them in another locality). Then:

1. the first pass (nobody has a standing yet; everyone eligible is told);
2. ``--rounds`` rule changes: every locality's delegate role changes its minimum
   age (18 ↔ 16) and every role is recomputed, as the nightly recount does (the
   accounts read once, each locality's roles set-based).

Emails of the notices are queued on an in-memory broker (nothing is sent). The
database is dropped at the end (unless --keep; --reuse runs the passes again on
a kept one: DATABASE_URL=postgres://…/bench_lms_roles).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
os.environ.setdefault("LMS_TEST_DB_NAME", "bench_lms_roles")
os.environ.setdefault("LMS_DATA_DIR", str(ROOT / ".data" / "bench-roles"))
# The notices' emails are queued, as in production, but on a broker in memory.
os.environ["CELERY_BROKER_URL"] = "memory://"

ROLES = [
    # key, kind, min_age, minors_from, required courses, sessions, residence
    ("delegado-pp", "delegado_pp", 18, 14, ["pp"], 0, True),
    ("veedor", "veedor", 18, None, ["pp", "control-social"], 0, True),
    ("facilitador", "facilitador_ic", 18, None, ["pp"], 1, True),
    ("auditor-datos", "auditor_datos", 16, None, ["datos"], 0, False),
]


def _copy(table: str, columns: str, rows) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def provision(schemas: list[str]) -> None:
    from django.utils import timezone

    from participation import api
    from tenants import api as tenants_api
    from tenants.data import LocalityKind, LocalitySpec

    for i, schema in enumerate(schemas, start=1):
        tenants_api.provision_locality(
            LocalitySpec(
                schema_name=schema, name=f"Localidad {i}", slug=f"loc-{i}", code=i
            ),
            domain=f"loc-{i}.test",
        )
    tenants_api.provision_locality(
        LocalitySpec(
            schema_name="campus",
            name="Campus",
            slug="campus",
            kind=LocalityKind.CITY_CAMPUS,
        ),
        domain="campus.test",
    )
    with tenants_api.in_locality("campus"):
        for key, kind, min_age, minors, courses, sessions, residence in ROLES:
            api.save_role_template(
                key,
                kind=api.RoleKind(kind),
                title=key,
                min_age=min_age,
                minors_from=minors,
                required_courses=courses,
                min_sessions_attended=sessions,
                requires_residence=residence,
                selection_mode=api.SelectionMode.LOTTERY,
            )
    today = timezone.localdate()
    for schema in schemas:
        with tenants_api.in_locality(schema):
            cycle = api.create_cycle(
                "Presupuestos participativos 2027",
                applications_open=today - timedelta(days=1),
                applications_close=today + timedelta(days=30),
                service_starts=today + timedelta(days=60),
                service_ends=today + timedelta(days=400),
            )
            for key, *_rest in ROLES:
                api.open_role(cycle.cycle_id, key, seats=20)


def seed(schemas: list[str], n_people: int) -> None:
    """People and the certificate index, by COPY (what the signals would keep)."""
    from django.contrib.auth.hashers import make_password

    rng = random.Random(12)  # noqa: S311 - seeded test data
    now = datetime.now(tz=UTC)
    today = now.date()
    password = make_password(None)
    people = []
    for u in range(n_people):
        born = (
            today - timedelta(days=rng.randint(10 * 365, 80 * 365))
            if rng.random() < 0.95
            else None
        )
        people.append((f"r{u}", rng.choice(schemas), born))
    _copy(
        "accounts_user",
        "username, password, first_name, last_name, email, is_superuser, is_staff, "
        "is_active, date_joined, document_type, document_number, residence_schema, "
        "birth_date, registered_in",
        (
            (
                name,
                password,
                "Persona",
                name,
                None,
                False,
                False,
                True,
                now,
                "",
                "",
                home,
                born,
                "",
            )
            for name, home, born in people
        ),
    )
    from django.contrib.auth import get_user_model

    ids = dict(
        get_user_model()
        .objects.filter(username__startswith="r")
        .values_list("username", "id")
    )
    rows = []
    for name, home, _born in people:
        for course, share in (("pp", 0.7), ("control-social", 0.4), ("datos", 0.2)):
            if rng.random() < share:
                where = home if rng.random() < 0.9 else rng.choice(schemas)
                rows.append((ids[name], course, where, now))
    _copy(
        "participation_citywide_certifiedcourse",
        "user_id, course_key, schema_name, certified_since",
        rows,
    )
    print(f"seeded {len(people)} people and {len(rows)} certified courses")


def recount(schemas: list[str]) -> tuple[float, float, int, int]:
    """Every locality's roles, set-based, the accounts read once (as the nightly
    recount does after rebuilding the index). Returns wall and CPU seconds of
    this process (the machine is shared: CPU time says what the pass costs here,
    the database's work aside), standings written and people newly eligible."""
    from lms.accounts import api as accounts_api
    from participation import api
    from tenants import api as tenants_api

    started, cpu = time.perf_counter(), time.process_time()
    people = {p.user_id: p for p in accounts_api.list_people()}
    changed = newly = 0
    for schema in schemas:
        with tenants_api.in_locality(schema):
            result = api.recompute_roles(people=people)
            changed += result.changed
            newly += result.newly_eligible
    return (
        time.perf_counter() - started,
        time.process_time() - cpu,
        changed,
        newly,
    )


def change_rules(schemas: list[str], courses: list[str]) -> None:
    from participation import api
    from tenants import api as tenants_api

    for schema in schemas:
        with tenants_api.in_locality(schema):
            for role in api.list_roles():
                if role.kind == api.RoleKind.BUDGET_DELEGATE:
                    api.change_role_rules(role.role_id, required_courses=courses)


def forget_standings(schemas: list[str]) -> None:
    """For --reuse: start again from no standing and no notice."""
    from lms.learning.models import Notification
    from participation.models import EligibilityRecord
    from tenants import api as tenants_api

    for schema in schemas:
        with tenants_api.in_locality(schema):
            EligibilityRecord.objects.all().delete()
            Notification.objects.all().delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse", action="store_true", help="use the kept database as it is"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    from participation.models import EligibilityRecord
    from tenants import api as tenants_api

    old = None if args.reuse else setup_databases(verbosity=0, interactive=False)
    try:
        schemas = [f"bench_loc_{i:02d}" for i in range(1, 21)]
        if args.reuse:
            forget_standings(schemas)
        else:
            started = time.perf_counter()
            provision(schemas)
            print(f"21 schemas, 80 roles in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            seed(schemas, args.people)
            print(f"seed took {time.perf_counter() - started:.1f} s")
        rss_before = _max_rss_mb()

        seconds, cpu, changed, newly = recount(schemas)
        stored = 0
        for schema in schemas:
            with tenants_api.in_locality(schema):
                stored += EligibilityRecord.objects.count()
        print(
            f"first pass: {seconds:.1f} s ({cpu:.1f} s CPU), {changed} standings stored "
            f"({stored} in the tables), {newly} people told they may apply"
        )
        times, cpus = [], []
        for round_ in range(args.rounds):
            change_rules(
                schemas, ["pp", "control-social"] if round_ % 2 == 0 else ["pp"]
            )
            seconds, cpu, changed, newly = recount(schemas)
            times.append(seconds)
            cpus.append(cpu)
            print(
                f"rule change {round_ + 1}: {seconds:.1f} s ({cpu:.1f} s CPU), "
                f"{changed} standings "
                f"changed, {newly} newly eligible"
            )
        print(
            f"after a rule change: median {statistics.median(times):.1f} s "
            f"(min {min(times):.1f}, max {max(times):.1f}) over {args.rounds} "
            f"rounds, CPU median {statistics.median(cpus):.1f} s; load average "
            f"{os.getloadavg()[0]:.1f}; peak RSS {_max_rss_mb():.0f} MB (before the passes "
            f"{rss_before:.0f} MB)"
        )
    finally:
        connections.close_all()
        if old is not None and not args.keep:
            teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
