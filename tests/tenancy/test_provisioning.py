"""Provisioning: a new locality is a clone of the template schema.

These tests create and drop real schemas, so they run outside the per-test
transaction (``django_db_blocker.unblock``) and clean up after themselves.
"""

from __future__ import annotations

import pytest
from django.core import checks
from django.db import connection
from django.test import Client

from tenants import api as tenants_api
from tenants.data import LocalitySpec
from tenants.models import Locality

TEMPLATE = "locality_template"


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            [schema],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def new_locality(django_db_setup, django_db_blocker):
    spec = LocalitySpec(schema_name="test_sumapaz", name="Sumapaz", slug="sumapaz")
    with django_db_blocker.unblock():
        yield spec
        connection.set_schema_to_public()
        for locality in Locality.objects.filter(schema_name=spec.schema_name):
            locality.delete(force_drop=True)


def test_new_locality_is_cloned_from_the_template_and_serves_its_home(
    new_locality,
):
    result = tenants_api.provision_locality(new_locality, domain="sumapaz.test")

    assert result.created is True
    assert result.locality.domain == "sumapaz.test"
    assert _tables(new_locality.schema_name) == _tables(TEMPLATE)
    assert "wagtailcore_page" in _tables(new_locality.schema_name)
    home = Client(HTTP_HOST="sumapaz.test").get("/")
    assert home.status_code == 200
    assert "<h1>Sumapaz</h1>" in home.text

    again = tenants_api.provision_locality(new_locality, domain="sumapaz.test")
    assert again.created is False
    assert Locality.objects.filter(schema_name=new_locality.schema_name).count() == 1


def test_reference_list_has_the_campus_and_twenty_localities():
    specs = tenants_api.read_reference_localities()
    assert specs[0].schema_name == "campus"
    localities = specs[1:]
    assert len(localities) == 20
    assert {s.code for s in localities} == set(range(1, 21))
    by_code = {s.code: s for s in localities}
    assert by_code[8].name == "Kennedy" and by_code[8].schema_name == "kennedy"
    assert by_code[3].schema_name == "santa_fe"
    assert by_code[20].is_fully_rural is True


def test_template_check_passes_when_current_and_fails_when_behind(db):
    assert tenants_api.template_pending_migrations() == []
    assert [
        e for e in checks.run_checks(databases=["default"]) if e.id == "tenants.E001"
    ] == []

    # Pretend the template missed a migration (rolled back with the test).
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{TEMPLATE}".django_migrations '
            "WHERE app = 'portal' AND name = '0001_initial'"
        )
    errors = [
        e for e in checks.run_checks(databases=["default"]) if e.id == "tenants.E001"
    ]
    assert len(errors) == 1
    assert "portal.0001_initial" in errors[0].msg
    assert "migrate_localities" in errors[0].hint
