"""Demo of a facilitator's group in Kennedy, for `make run`.

The demo facilitator (facilitador@example.org) runs «Grupo sábado» of the
participatory budgeting course, with a session tomorrow. Three participants are
registered on Kennedy's site: two are in the group (the attendance page lists
them), the third is left for «Agregar personas» to find by name without accents
(«angela») or by her full document. Safe to run again.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from lms.accounts import api as accounts_api
from lms.learning import api as learning_api
from tenants import api as tenants_api

SCHEMA = "kennedy"
COURSE = "presupuestos-participativos"
GROUP = "Grupo sábado"
FACILITATOR_EMAIL = "facilitador@example.org"
PARTICIPANTS = [
    ("José", "Pérez Ortiz", "jose.perez@example.org", "1000000011", True),
    ("María Fernanda", "Ríos", "maria.rios@example.org", "1000000012", True),
    ("Ángela", "Muñoz", "angela.munoz@example.org", "1000000013", False),
]


def load_demo_groups() -> list[str]:
    """Open the demo group with its session and people, once."""
    if SCHEMA not in tenants_api.locality_schemas():
        return []
    facilitator_id = accounts_api.find_people_by_email([FACILITATOR_EMAIL]).get(
        FACILITATOR_EMAIL
    )
    if facilitator_id is None:
        return []
    with tenants_api.in_locality(SCHEMA):
        if any(c.name == GROUP for c in learning_api.list_cohorts()):
            return []
        today = timezone.localdate()
        cohort = learning_api.open_cohort(
            COURSE,
            GROUP,
            facilitator_id=facilitator_id,
            starts_on=today,
            ends_on=today + timedelta(days=60),
            capacity=25,
            schedule="Sábados de 9:00 a 12:00",
            place="Biblioteca El Tintal",
        )
        start = timezone.make_aware(
            datetime.combine(today + timedelta(days=1), time(9))
        )
        learning_api.schedule_session(
            cohort.cohort_id,
            "Primera sesión: el ciclo de los presupuestos",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            place=cohort.place,
        )
        for first, last, email, number, in_group in PARTICIPANTS:
            person_id = _participant(first, last, email, number)
            if in_group and person_id is not None:
                learning_api.add_to_cohort(person_id, cohort.cohort_id)
    return [f"grupo de demostración en Kennedy: {GROUP} (sesión mañana)"]


def _participant(first: str, last: str, email: str, number: str) -> int | None:
    try:
        return accounts_api.register_person(
            first_name=first,
            last_name=last,
            email=email,
            password=None,
            document_type="CC",
            document_number=number,
            residence="Kennedy",
            birth_date=date(1995, 5, 5),
            registered_in=SCHEMA,
        ).user_id
    except accounts_api.RegistrationError:
        return accounts_api.find_people_by_email([email]).get(email)
