"""Query budgets of the civic-roles pages, signed in (they do not depend on the
machine's speed, so CI can gate on them).

Eligibility reads the person's certificates from the city-wide index (one query,
however many localities there are; ADR 0017): the roles page went from 35 to 16
queries and the role page from 34 to 15 with the tests' three schemas, and the
last test shows the count does not grow with more localities.
"""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tenants import api as tenants_api
from tenants.data import LocalitySpec

ROLES_PAGE = 16
ROLE_PAGE = 15
ROLES_API = 4


def _signed_in(user) -> Client:
    client = Client(HTTP_HOST="kennedy.test")
    with tenants_api.in_locality("test_kennedy"):
        client.force_login(user)
    return client


def test_roles_page_budget(make_role, person, django_assert_max_num_queries):
    make_role()
    client = _signed_in(person())
    client.get("/participacion/")  # first view stores the standing
    with django_assert_max_num_queries(ROLES_PAGE):
        response = client.get("/participacion/")
    assert "Puede postularse." in response.text


def test_role_page_budget(make_role, person, django_assert_max_num_queries):
    role = make_role()
    client = _signed_in(person())
    # Warm, as the roles page's test: caches other tests may have emptied (the
    # site's root paths) are filled once, not on every view.
    client.get(f"/participacion/roles/{role.role_id}/")
    with django_assert_max_num_queries(ROLE_PAGE):
        response = client.get(f"/participacion/roles/{role.role_id}/")
    assert "Enviar postulación" in response.text


def test_roles_api_budget(make_role, person, django_assert_max_num_queries):
    make_role()
    client = _signed_in(person())
    # Warm as the pages' tests: the host's locality is looked up once per process
    # (then cached), so a cold first call counts two more queries than any other.
    client.get("/api/participacion/roles")
    with django_assert_max_num_queries(ROLES_API):
        response = client.get("/api/participacion/roles")
    assert response.status_code == 200 and len(response.json()) == 1


def test_the_roles_page_costs_the_same_with_more_localities(make_role, person):
    """Eligibility reads the city-wide index of certificates, not every locality:
    three more localities (cloned in this test's transaction, rolled back with
    it) add no query to the page."""
    make_role()
    client = _signed_in(person())
    client.get("/participacion/")  # first view stores the standing

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/participacion/")
        assert "Puede postularse." in response.text
        return len(queries)

    before = count()
    for slug in ("usme", "suba", "engativa"):
        tenants_api.provision_locality(
            LocalitySpec(schema_name=f"test_{slug}", name=slug.title(), slug=slug),
            domain=f"{slug}.test",
        )
    assert len(tenants_api.locality_schemas()) == 6
    # Provisioning empties the caches of sites and localities; the first view
    # refills them once, then the page costs what it cost with three.
    client.get("/participacion/")
    assert count() == before
