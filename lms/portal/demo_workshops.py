"""Demo collective-intelligence workshops for `make run`, in Kennedy and Bosa.

Each locality gets a group «Inteligencia colectiva» of the participatory
budgeting course with past in-person sessions marked as workshops and the
barrios (cadastral sectors) where their participants live: Kennedy below the
commitment's 50 % of its barrios, Bosa above it, so the dashboards show both.
Kennedy's group is run by the demo facilitator; Bosa's by a demo facilitator of
Bosa created here. Runs after the demo people and courses; safe to run again (a
locality that already has a workshop is left as it is).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from lms.accounts import api as accounts_api
from lms.learning import api as learning_api
from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from monitoring import api as monitoring_api
from tenants import api as tenants_api

COURSE = "presupuestos-participativos"
GROUP = "Inteligencia colectiva"
PASSWORD = "demo-clave-1"  # noqa: S105 - demo data, DEBUG only (load_demo checks)
# schema → (facilitator email, document, place, [(title, days ago, barrios)])
WORKSHOPS = {
    "kennedy": (
        "facilitador@example.org",
        "",
        "Salón comunal Patio Bonito",
        [
            ("Taller: prioridades del parque vecinal", 21, 14),
            ("Taller: movilidad y malla vial local", 9, 12),
        ],
    ),
    "bosa": (
        "facilitadora.bosa@example.org",
        "1000000007",
        "Casa de la Participación de Bosa",
        [
            ("Taller: huertas y ambiente", 28, 22),
            ("Taller: economía local y ferias", 14, 20),
        ],
    ),
}


def load_demo_workshops() -> list[str]:
    """Groups, sessions and workshops; one line per locality loaded."""
    done: list[str] = []
    present = set(tenants_api.locality_schemas(include_campus=False))
    for schema, (email, document, place, sessions) in WORKSHOPS.items():
        if schema not in present:
            continue
        facilitator_id = _facilitator(email, document, schema)
        if facilitator_id is None:
            continue
        with tenants_api.in_locality(schema):
            if monitoring_api.list_workshops():
                continue
            reached = _workshops(facilitator_id, place, sessions)
            coverage = monitoring_api.barrio_coverage_here()
        if reached:
            done.append(
                f"talleres en {schema}: {reached}, {coverage.reached} de "
                f"{coverage.total} barrios ({coverage.percent:.0f} %)"
            )
    return done


def _workshops(
    facilitator_id: int, place: str, sessions: list[tuple[str, int, int]]
) -> int:
    """Open the group, schedule its past sessions and record them as workshops
    (call inside the locality). Consecutive barrios of the chooser, so that
    sessions overlap a little, as real neighbourhoods do."""
    today = timezone.localdate()
    try:
        cohort = learning_api.open_cohort(
            COURSE,
            GROUP,
            facilitator_id=facilitator_id,
            starts_on=today - timedelta(days=35),
            ends_on=today + timedelta(days=30),
            capacity=40,
            place=place,
        )
    except learning_api.LearningError:
        return 0  # the course is not offered here (demo courses not loaded)
    codes = [
        b.code for _upz, barrios in monitoring_api.barrio_choices() for b in barrios
    ]
    start_at = 0
    for title, days_ago, count in sessions:
        starts = timezone.make_aware(
            datetime.combine(today - timedelta(days=days_ago), time(15))
        )
        session = learning_api.schedule_session(
            cohort.cohort_id,
            title,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
        )
        monitoring_api.record_workshop(
            session.session_id,
            recorded_by=facilitator_id,
            barrio_codes=codes[start_at : start_at + count],
            participants=count * 2,
            notes="Taller de demostración.",
        )
        start_at += count - 2  # two barrios in common with the previous one
    return len(sessions)


def _facilitator(email: str, document: str, schema: str) -> int | None:
    found = accounts_api.find_people_by_email([email]).get(email)
    if found is None and document:
        try:
            found = accounts_api.register_person(
                first_name="Facilitadora",
                last_name="Demo Bosa",
                email=email,
                password=PASSWORD,
                document_type="CC",
                document_number=document,
                residence=schema,
                birth_date=date(1991, 3, 3),
                registered_in=schema,
            ).user_id
        except accounts_api.RegistrationError:
            return None
    if found is not None:
        with tenants_api.in_locality(schema):
            roles_api.grant_role(found, Role.FACILITATOR)
    return found
