"""Query budgets of the civic-roles pages, signed in (they do not depend on the
machine's speed, so CI can gate on them).

Eligibility reads the person's certificates in every locality (a certificate is
theirs wherever it was earned): with the test's three schemas that is part of
the count, and it grows with the number of localities (two queries each). Stored
standings are the way down (ADR 0017).
"""

from __future__ import annotations

from django.test import Client

from tenants import api as tenants_api

ROLES_PAGE = 35
ROLE_PAGE = 34
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
    with django_assert_max_num_queries(ROLE_PAGE):
        response = client.get(f"/participacion/roles/{role.role_id}/")
    assert "Enviar postulación" in response.text


def test_roles_api_budget(make_role, person, django_assert_max_num_queries):
    make_role()
    client = _signed_in(person())
    with django_assert_max_num_queries(ROLES_API):
        response = client.get("/api/participacion/roles")
    assert response.status_code == 200 and len(response.json()) == 1
