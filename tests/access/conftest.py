"""A small city for access tests: people with each role, learners in two places.

Kennedy (K) and Bosa (B) are localities, the campus (C) is the city's school.
Locality roles are held in Kennedy, campus roles at the campus; the platform
administrator is the ``is_superuser`` flag.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from courses import api as courses_api
from lms.learning import api as learning_api
from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from monitoring import api as monitoring_api
from open_data_labs import api as open_data_api
from participation import api as participation_api
from tenants import api as tenants_api

HOSTS = {"K": "kennedy.test", "B": "bosa.test", "C": "campus.test"}
SCHEMAS = {"K": "test_kennedy", "B": "test_bosa", "C": "campus"}

# Who is who: the role and the site where it is held (None: no role anywhere).
ROLE_HOMES: dict[str, tuple[Role | None, str | None]] = {
    "citizen": (None, None),
    "facilitator": (Role.FACILITATOR, "K"),
    "locality_manager": (Role.LOCALITY_MANAGER, "K"),
    "locality_admin": (Role.ADMINISTRATOR, "K"),
    "trainer": (Role.TRAINER, "C"),
    "program_manager": (Role.PROGRAM_MANAGER, "C"),
    "platform_admin": (None, None),
}


@dataclass
class City:
    people: dict[str, Any] = field(default_factory=dict)
    kennedy_learner: Any = None
    bosa_learner: Any = None
    session_id: int = 0
    cohort_id: int = 0
    role_id: int = 0
    project_id: int = 0  # a Kennedy investment project
    dataset_key: str = "lab-matriz"  # an open dataset with one version on each site

    def client(self, role: str, site: str) -> Client:
        """A client on ``site`` signed in as the person with ``role``."""
        client = Client(HTTP_HOST=HOSTS[site])
        with tenants_api.in_locality(SCHEMAS[site]):
            client.force_login(self.people[role])
        return client


@pytest.fixture
def city(db, make_person, settings, tmp_path) -> City:
    city = City()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OPEN_DATA_CACHE_DIR = tmp_path / "cache"
    for schema in SCHEMAS.values():
        with tenants_api.in_locality(schema):
            open_data_api.create_dataset("Votos", key=city.dataset_key)
            open_data_api.upload_snapshot(
                city.dataset_key, b"lugar;votos\nKennedy;10\n", filename="votos.csv"
            )
    for role_name, (role, home) in ROLE_HOMES.items():
        person = make_person(
            first_name=role_name.replace("_", " ").title(),
            last_name="Prueba",
            document_type="CC",
            document_number=str(80_000_000 + len(city.people)),
            is_superuser=role_name == "platform_admin",
        )
        city.people[role_name] = person
        if role is not None:
            with tenants_api.in_locality(SCHEMAS[home]):
                roles_api.grant_role(person.pk, role)
    city.kennedy_learner = make_person(
        first_name="Kelly",
        last_name="Kennedy",
        document_type="CC",
        document_number="1012345678",
    )
    city.bosa_learner = make_person(
        first_name="Bruno",
        last_name="Bosa",
        document_type="CC",
        document_number="1098765432",
    )
    today = timezone.localdate()
    with tenants_api.in_locality(SCHEMAS["K"]):
        courses_api.create_course("Control social", key="control", modality="mixta")
        cohort = courses_api.open_cohort(
            "control",
            "Grupo sábado",
            facilitator_id=city.people["facilitator"].pk,
            starts_on=today,
            ends_on=today + timedelta(days=30),
            capacity=20,
        )
        learning_api.enroll(
            city.kennedy_learner.pk, "control", cohort_id=cohort.cohort_id
        )
        start = timezone.now() + timedelta(days=1)
        session = learning_api.schedule_session(
            cohort.cohort_id,
            "Primera sesión",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
        city.cohort_id, city.session_id = cohort.cohort_id, session.session_id
        role = _open_civic_role(today)
        city.role_id = role.role_id
        city.project_id = monitoring_api.create_project(
            "KEN-PP-001",
            "Parque vecinal Patio Bonito",
            line=monitoring_api.InvestmentLine.INFRASTRUCTURE,
            spending_concept="Parques vecinales",
            budget="450.000.000",
            upz_code="UPZ82",
        ).project_id
    with tenants_api.in_locality(SCHEMAS["B"]):
        courses_api.create_course("Control social", key="control")
        learning_api.enroll(city.bosa_learner.pk, "control")
    return city


def _open_civic_role(today):
    """A veedor role in Kennedy (call with Kennedy active), from a campus template."""
    with tenants_api.in_locality(SCHEMAS["C"]):
        participation_api.save_role_template(
            "veedor-matriz",
            kind=participation_api.RoleKind.CITIZEN_MONITOR,
            title="Veedor/a ciudadano/a",
        )
    cycle = participation_api.create_cycle(
        "Veedurías 2027",
        applications_open=today,
        applications_close=today + timedelta(days=10),
        service_starts=today + timedelta(days=20),
        service_ends=today + timedelta(days=380),
    )
    return participation_api.open_role(cycle.cycle_id, "veedor-matriz", seats=3)
