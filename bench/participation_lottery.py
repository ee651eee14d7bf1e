"""Stratified lottery of 5,000 applicants (issue target: under 2 s on this machine).

Two measures:

- the draw alone (``participation.lottery.draw``), as anyone re-running a published
  draw would do: 5,000 applicants, 200 seats, quotas on gender and age band;
- with ``--database``, the staff action itself (``api.run_lottery``) against
  PostgreSQL: the applicant list read with each person's declared answers, the
  draw, 200 seats selected (each with its webhook event and its credential task in
  the outbox) and 4,800 people put on the waiting list, in one transaction. Its
  own database (LMS_TEST_DB_NAME, default bench_lms_lottery), dropped at the end;
  each round puts the applications back to pending first (not timed).

Prints the median and range over rounds, and checks that the same seed gives the
same draw.

    .venv/bin/python bench/participation_lottery.py [--rounds 7] [--database]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--applicants", type=int, default=5000)
    parser.add_argument(
        "--database", action="store_true", help="time api.run_lottery on PostgreSQL"
    )
    args = parser.parse_args()
    if args.database:
        os.environ.setdefault("LMS_TEST_DB_NAME", "bench_lms_lottery")
        # Credential tasks are published after commit, to a broker in memory.
        os.environ["CELERY_BROKER_URL"] = "memory://"
    import django

    django.setup()
    from participation.data import LotteryEntry
    from participation.lottery import draw

    rng = random.Random(2027)  # noqa: S311 - seeded test data
    genders = ["mujer", "hombre", "no_binario", "prefiero_no_decir"]
    bands = ["14-27", "28-59", "60+"]
    entries = [
        LotteryEntry(
            application_id=i,
            groups={"genero": rng.choice(genders), "grupo_edad": rng.choice(bands)},
        )
        for i in range(1, args.applicants + 1)
    ]
    quotas = {
        "genero": {"mujer": 100, "no_binario": 5},
        "grupo_edad": {"14-27": 60, "60+": 30},
    }
    times, results = [], []
    for round_ in range(args.rounds):
        start = time.perf_counter()
        results.append(
            draw(entries, seats=200, quotas=quotas, seed=f"semilla-{round_ % 2}")
        )
        times.append(time.perf_counter() - start)
    if results[0].selected != results[2].selected:
        raise SystemExit("La misma semilla dio otro sorteo.")
    print(
        f"{args.applicants} applicants, 200 seats, 4 quotas: median "
        f"{statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}) "
        f"over {args.rounds} rounds; unmet quotas: {len(results[0].unmet_quotas)}"
    )
    if args.database:
        run_in_database(args.applicants, args.rounds, quotas)


def run_in_database(applicants: int, rounds: int, quotas: dict) -> None:
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases
    from django.utils import timezone

    from lms.accounts.models import SensitiveAnswer
    from participation import api
    from participation.models import Application, CivicRole, WebhookDelivery
    from tenants import api as tenants_api
    from tenants.data import LocalityKind, LocalitySpec
    from tenants.models import TaskOutbox

    settings.PARTICIPATION_WEBHOOK_URL = "https://plataforma.example.org/eventos"
    old = setup_databases(verbosity=0, interactive=False)
    try:
        tenants_api.provision_locality(
            LocalitySpec(schema_name="campus", name="Campus", slug="campus",
                         kind=LocalityKind.CITY_CAMPUS),
            domain="campus.test",
        )  # fmt: skip
        tenants_api.provision_locality(
            LocalitySpec(schema_name="bench_kennedy", name="Kennedy", slug="kennedy"),
            domain="kennedy.test",
        )
        with tenants_api.in_locality("campus"):
            api.save_role_template(
                "delegado",
                kind=api.RoleKind.BUDGET_DELEGATE,
                title="Delegado/a de presupuestos participativos",
                selection_mode=api.SelectionMode.LOTTERY,
            )
        today = timezone.localdate()
        rng = random.Random(2027)  # noqa: S311 - seeded test data
        now = timezone.now()
        people = get_user_model().objects.bulk_create(
            get_user_model()(
                username=f"sorteo{i}",
                password="!",  # noqa: S106 - no password: cannot sign in
                birth_date=today - timedelta(days=rng.randint(15 * 365, 80 * 365)),
            )
            for i in range(applicants)
        )
        SensitiveAnswer.objects.bulk_create(
            SensitiveAnswer(
                user_id=person.pk,
                question="genero",
                answer=rng.choice(["mujer", "hombre", "no_binario"]),
                consent_given_at=now,
            )
            for person in people
        )
        with tenants_api.in_locality("bench_kennedy"):
            cycle = api.create_cycle(
                "Presupuestos participativos 2027",
                applications_open=today - timedelta(days=1),
                applications_close=today + timedelta(days=10),
                service_starts=today + timedelta(days=30),
                service_ends=today + timedelta(days=400),
            )
            role = api.open_role(
                cycle.cycle_id,
                "delegado",
                seats=200,
                lottery_quotas={
                    "genero": quotas["genero"],
                    "grupo_edad": {"14-27": 60, "60+": 30},
                },
            )
            Application.objects.bulk_create(
                Application(
                    role_id=role.role_id,
                    user_id=person.pk,
                    declaration_text="Declaro…",
                    declared_at=now,
                    applied_at=now,
                )
                for person in people
            )
            times, selected = [], []
            for round_ in range(rounds):
                Application.objects.update(
                    status=api.ApplicationStatus.PENDING,
                    waiting_position=None,
                    decided_at=None,
                )
                CivicRole.objects.update(drawn_at=None, lottery_seed="")
                WebhookDelivery.objects.all().delete()
                TaskOutbox.objects.all().delete()
                start = time.perf_counter()
                result = api.run_lottery(
                    role.role_id, seed=f"semilla-{round_ % 2}", by_user_id=1
                )
                times.append(time.perf_counter() - start)
                selected.append(result.selected)
            waiting = Application.objects.filter(
                status=api.ApplicationStatus.WAITING
            ).count()
        if rounds > 2 and selected[0] != selected[2]:
            raise SystemExit("La misma semilla dio otro sorteo en la base.")
        print(
            f"run_lottery in PostgreSQL, {applicants} applications, 200 seats: median "
            f"{statistics.median(times):.3f} s (min {min(times):.3f}, "
            f"max {max(times):.3f}) over {rounds} rounds; {waiting} on the waiting "
            f"list; load average {os.getloadavg()[0]:.1f}"
        )
    finally:
        connections.close_all()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
