"""Monitoring fixtures: projects created through the public API, per locality."""

from __future__ import annotations

import io
import itertools
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from PIL import Image

from lms.locality_roles import api as roles_api
from monitoring import api
from participation import api as participation_api
from tenants import api as tenants_api


@pytest.fixture(autouse=True)
def fresh_public_cache():
    """Each test's database starts over, so must the public pages' kept copies
    (the cache outlives the rolled-back rows and their version numbers)."""
    cache.clear()
    yield
    cache.clear()


def kennedy_project(code: str = "KEN-2025-001", **fields) -> api.ProjectData:
    """A Kennedy project (the caller is inside Kennedy's schema)."""
    values = {
        "line": api.InvestmentLine.INFRASTRUCTURE,
        "spending_concept": "Parques vecinales",
        "budget": "$ 450.000.000",
        "upz_code": "UPZ82",
        "barrio_code": "004607",
        "status": "en_ejecucion",
        "progress": "35",
    }
    name = fields.pop("name", "Parque Ciudad de Cali")
    values.update(fields)
    return api.create_project(code, name, **values)


@pytest.fixture
def kennedy_park(in_town_a):
    return kennedy_project()


@pytest.fixture
def two_localities(town_a, town_b):
    """One project in each locality, with the same code on purpose."""
    with tenants_api.in_locality(town_a):
        kennedy = kennedy_project("PP-001", name="Parque Kennedy Patio Bonito")
    with tenants_api.in_locality(town_b):
        bosa = api.create_project(
            "PP-001",
            "Huerta comunitaria Bosa Islandia",
            line="ambiental",
            spending_concept="Agricultura urbana",
            budget=120_000_000,
            upz_code="UPZ85",
            barrio_code="004642",
        )
    return kennedy, bosa


def make_veedor_role(schema: str):
    """A «Veedor/a ciudadano/a» role open in ``schema`` (no course required), from a
    campus template. Call from the public schema."""
    today = timezone.localdate()
    with tenants_api.in_locality("campus"):
        participation_api.save_role_template(
            "veedor-seguimiento",
            kind=participation_api.RoleKind.CITIZEN_MONITOR,
            title="Veedor/a ciudadano/a",
            requires_residence=False,
        )
    with tenants_api.in_locality(schema):
        cycle = participation_api.create_cycle(
            "Veedurías 2027",
            applications_open=today - timedelta(days=1),
            applications_close=today + timedelta(days=10),
            service_starts=today,
            service_ends=today + timedelta(days=365),
        )
        return participation_api.open_role(
            cycle.cycle_id, "veedor-seguimiento", seats=5
        )


@pytest.fixture
def make_veedor(make_person):
    """A person selected as veedor/a in a locality (through participation's own
    application and committee decision). Call from the public schema."""
    roles: dict[str, int] = {}
    numbers = itertools.count(71_000_001)

    def make(schema: str = "test_kennedy", **fields):
        if schema not in roles:
            roles[schema] = make_veedor_role(schema).role_id
        n = next(numbers)
        fields.setdefault("first_name", "Veedora")
        fields.setdefault("last_name", f"N{n}")
        person = make_person(
            document_type="CC",
            document_number=str(n),
            birth_date=date(1990, 5, 1),
            residence_locality_id=schema,
            **fields,
        )
        with tenants_api.in_locality(schema):
            application = participation_api.apply(
                person.pk,
                roles[schema],
                motivation="Vigilar las obras de mi barrio.",
                declares_no_impediment=True,
            )
            participation_api.decide(
                application.application_id,
                decision=participation_api.ApplicationStatus.SELECTED,
                reason="",
                by_user_id=person.pk,
            )
        return person

    return make


def answers_for(line) -> dict[str, str]:
    """Every checklist question of the line answered «Sí»."""
    return {key: api.Answer.YES.value for key, _q in api.questions_for(line)}


def file_report(project, author, *, key=None, progress="20", photos=(), **extra):
    """Submit a report on ``project`` as ``author`` (inside its locality)."""
    report, _created = api.submit_report(
        project.code,
        author_id=author.pk,
        idempotency_key=key or api.new_idempotency_key(),
        observed_progress=progress,
        checklist=answers_for(project.line),
        verdict=extra.pop("verdict", api.Verdict.PARTIALLY_MET),
        observations=extra.pop("observations", "La obra avanza despacio."),
        photos=list(photos),
        **extra,
    )
    return report


def jpeg_with_gps(size=(2400, 1800)) -> bytes:
    """A phone-like JPEG with camera make, time and a GPS position in its EXIF."""
    image = Image.new("RGB", size, (30, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "CamaraDePrueba"  # Make
    exif[0x0132] = "2026:11:20 10:30:00"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (4.0, 37.0, 48.0)  # 4.63 N: Kennedy
    gps[3], gps[4] = "W", (74.0, 9.0, 36.0)  # 74.16 W
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


STAFF_HOSTS = {"test_kennedy": "kennedy.test", "test_bosa": "bosa.test"}


@pytest.fixture
def staff(make_person):
    """A client signed in on a locality's site as someone holding a role there."""

    def make(role, schema: str = "test_kennedy", person=None) -> Client:
        person = person or make_person()
        client = Client(HTTP_HOST=STAFF_HOSTS[schema])
        with tenants_api.in_locality(schema):
            roles_api.grant_role(person.pk, role)
            client.force_login(person)
        return client

    return make
