"""Finer invalidation (ADR 0049): lists and downloads follow the locality's
version, a project's own page its own. A change to project A keeps project B's
page, and nobody is served an old figure of A after the change: not on A's
page, not on a list, not in a download."""

from __future__ import annotations

import gzip

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from monitoring import api, public_cache
from monitoring.models import InvestmentProject
from monitoring.process_copies import ProcessCopies
from tenants import api as tenants_api

from .conftest import file_report, kennedy_project

A, B = "/seguimiento/proyectos/KEN-A/", "/seguimiento/proyectos/KEN-B/"
LIST, CSV = "/seguimiento/", "/seguimiento/datos/proyectos.csv"
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip"}


@pytest.fixture
def a_and_b(town_a):
    with tenants_api.in_locality(town_a):
        kennedy_project("KEN-A", name="Parque Timiza", progress="10")
        kennedy_project("KEN-B", name="Salón comunal Britalia", progress="20")
    connection.set_schema_to_public()


def _text(response) -> str:
    body = response.content
    return (
        gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body
    ).decode()


def _kept_in_the_cache(client, path, django_assert_num_queries) -> str:
    """The page, and proof it came from the cache (no query)."""
    with django_assert_num_queries(0):
        return _text(client.get(path, **GZIP))


def _warm(client) -> None:
    for path in (A, B, LIST, CSV):
        assert client.get(path, **GZIP).status_code == 200


def test_a_change_to_a_keeps_b_and_shows_a_everywhere_at_once(
    a_and_b, town_a, client_a, django_assert_num_queries
):
    _warm(client_a)
    with tenants_api.in_locality(town_a):
        park = InvestmentProject.objects.get(code="KEN-A")
        park.progress = 64
        park.name = "Parque Timiza renovado"
        park.save()
    connection.set_schema_to_public()
    # B's page is still the kept one: no query.
    assert "Salón comunal Britalia" in _kept_in_the_cache(
        client_a, B, django_assert_num_queries
    )
    # A's page, the list and the download show the new figures at once.
    assert "Parque Timiza renovado" in _text(client_a.get(A, **GZIP))
    assert "Parque Timiza renovado" in _text(client_a.get(LIST, **GZIP))
    csv = _text(client_a.get(CSV, **GZIP))
    assert "Parque Timiza renovado" in csv and "64.00" in csv


def test_a_report_published_on_a_shows_on_a_and_keeps_b(
    a_and_b, town_a, client_a, make_veedor, make_person, django_assert_num_queries
):
    veedora = make_veedor(town_a)
    reviewer = make_person()
    with tenants_api.in_locality(town_a):
        api.assign_project("KEN-A", assigned_by=reviewer.pk, user_id=veedora.pk)
        report = file_report(api.get_project("KEN-A"), veedora, progress="77")
    connection.set_schema_to_public()
    _warm(client_a)
    with tenants_api.in_locality(town_a):
        api.publish_report(
            report.report_uuid,
            reviewer_id=reviewer.pk,
            public_observations="Va muy bien la obra.",
        )
    connection.set_schema_to_public()
    _kept_in_the_cache(client_a, B, django_assert_num_queries)
    assert "Va muy bien la obra." in _text(client_a.get(A, **GZIP))
    reports = _text(client_a.get("/seguimiento/datos/reportes.csv", **GZIP))
    assert str(report.report_uuid) in reports


def test_a_new_code_and_an_old_one_are_not_served_from_before(
    a_and_b, town_a, client_a
):
    missing = client_a.get("/seguimiento/proyectos/KEN-C/")
    assert missing.status_code == 404  # and its absence is kept
    _warm(client_a)
    with tenants_api.in_locality(town_a):
        kennedy_project("KEN-C", name="Huerta El Amparo")
        renamed = InvestmentProject.objects.get(code="KEN-B")
        renamed.code = "KEN-B2"
        renamed.save()
    connection.set_schema_to_public()
    assert "Huerta El Amparo" in client_a.get("/seguimiento/proyectos/KEN-C/").text
    assert client_a.get(B).status_code == 404
    assert (
        "Salón comunal Britalia" in client_a.get("/seguimiento/proyectos/KEN-B2/").text
    )


def test_a_write_that_names_no_project_drops_every_page(
    a_and_b, town_a, client_a, django_assert_num_queries
):
    _warm(client_a)
    with tenants_api.in_locality(town_a):
        # As the spreadsheet import: rows written without signals, then a bump.
        InvestmentProject.objects.filter(code="KEN-B").update(name="Britalia II")
        public_cache.bump()
    connection.set_schema_to_public()
    assert "Britalia II" in _text(client_a.get(B, **GZIP))


def test_an_emptied_cache_never_brings_back_a_process_copy(a_and_b, town_a, client_a):
    _warm(client_a)
    with tenants_api.in_locality(town_a):
        for _ in range(50):  # many bumps: the numbers climb one at a time
            public_cache.bump()
        InvestmentProject.objects.filter(code="KEN-B").update(name="Britalia III")
    connection.set_schema_to_public()
    _warm(client_a)  # kept again, in the cache and in this process
    with tenants_api.in_locality(town_a):
        InvestmentProject.objects.filter(code="KEN-B").update(name="Britalia IV")
    connection.set_schema_to_public()
    cache.clear()  # Redis emptied (a restart): versions start over, higher
    assert "Britalia IV" in _text(client_a.get(B, **GZIP))
    assert "Britalia IV" in _text(client_a.get(CSV, **GZIP))


def test_two_localities_never_share_a_process_copy(two_localities, client_a, client_b):
    for _ in range(2):
        assert (
            "Patio Bonito"
            in Client(HTTP_HOST="kennedy.test")
            .get("/seguimiento/proyectos/PP-001/")
            .text
        )
        bosa = client_b.get("/seguimiento/proyectos/PP-001/").text
        assert "Bosa Islandia" in bosa and "Patio Bonito" not in bosa


def test_process_copies_are_bounded_by_bytes_and_time(settings, monkeypatch):
    settings.MONITORING_PROCESS_COPIES_BYTES = 400
    copies = ProcessCopies()
    for n in range(10):
        copies.put(f"k{n}", b"x" * 90)
    assert len(copies) == 4  # 360 bytes: the oldest went first
    assert copies.get("k0") is None and copies.get("k9") == b"x" * 90
    copies.put("big", b"x" * 101)  # over a quarter of the limit: not kept
    assert copies.get("big") is None
    copies.put("objects", (object(),))  # bytes that cannot be counted
    assert copies.get("objects") is None
    copies.put("short", b"y", seconds=-1)
    assert copies.get("short") is None
