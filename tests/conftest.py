"""Global fixtures: two test localities cloned once per session, per-test activation.

Schema creation is slow, so the localities are provisioned once, outside any
transaction (as in production). Each test then runs inside a rolled-back
transaction, in the schema its fixtures activate.
"""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test import Client

from tenants import api as tenants_api
from tenants.data import LocalityKind, LocalitySpec

# Every SQL statement of the suite names at most one locality schema (Citus).
pytest_plugins = ["tests.locality_statements"]

CAMPUS = LocalitySpec(
    schema_name="campus", name="Campus", slug="campus", kind=LocalityKind.CITY_CAMPUS
)
TOWN_A = LocalitySpec(schema_name="test_kennedy", name="Kennedy", slug="kennedy")
TOWN_B = LocalitySpec(schema_name="test_bosa", name="Bosa", slug="bosa")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Create the template schema and the two test localities for the whole run."""
    with django_db_blocker.unblock():
        tenants_api.provision_locality(TOWN_A, domain="kennedy.test")
        tenants_api.provision_locality(TOWN_B, domain="bosa.test")
        tenants_api.provision_locality(CAMPUS, domain="campus.test")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: a test's rolled-back pages must not
    live on in another's cached catalog (the home page caches it per locality),
    nor its rolled-back localities and learning paths in what a process remembers."""
    from django.core.cache import cache

    from reporting.api import forget_learning_paths
    from tenants.api import forget_localities

    cache.clear()
    forget_localities()
    forget_learning_paths()


@pytest.fixture
def town_a(db):
    """Kennedy's schema name; the test starts in the public schema."""
    yield TOWN_A.schema_name
    connection.set_schema_to_public()


@pytest.fixture
def town_b(db):
    yield TOWN_B.schema_name
    connection.set_schema_to_public()


@pytest.fixture
def in_town_a(town_a):
    """Run the test body inside Kennedy's schema."""
    with tenants_api.in_locality(town_a):
        yield town_a


@pytest.fixture
def campus(db):
    """The city campus schema name (where city courses are authored)."""
    yield CAMPUS.schema_name
    connection.set_schema_to_public()


@pytest.fixture
def in_campus(campus):
    with tenants_api.in_locality(campus):
        yield campus


@pytest.fixture
def client_campus() -> Client:
    return Client(HTTP_HOST="campus.test")


@pytest.fixture
def client_a() -> Client:
    return Client(HTTP_HOST="kennedy.test")


@pytest.fixture
def client_b() -> Client:
    return Client(HTTP_HOST="bosa.test")


_usernames = itertools.count()


@pytest.fixture
def make_person(db):
    """Create a city-wide account (public schema) and return it."""
    from django.contrib.auth import get_user_model

    def make(**fields):
        n = next(_usernames)
        fields.setdefault("username", f"persona{n}")
        fields.setdefault("email", f"persona{n}@example.org")
        with tenants_api.in_public_schema():
            user = get_user_model().objects.create_user(
                password="clave-segura-1", **fields
            )
        return user

    return make
