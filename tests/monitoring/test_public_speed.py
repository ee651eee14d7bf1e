"""The public pages and downloads: a number of queries that does not grow with
the projects and reports, and a kept copy that a change makes stale at once."""

from __future__ import annotations

import re
import uuid

import pytest
from django.db import connection
from django.test import Client

from monitoring import api, public_cache
from monitoring.models import AnswerRequest, CitizenReport, InvestmentProject
from tenants import api as tenants_api

from .conftest import file_report, kennedy_project

PAGES = (
    "/seguimiento/",
    "/seguimiento/?linea=infraestructura",
    "/seguimiento/?upz=UPZ82&estado=en_ejecucion",
    "/seguimiento/proyectos/KEN-0000/",
    "/seguimiento/datos/proyectos.csv",
    "/seguimiento/datos/proyectos.json",
    "/seguimiento/datos/reportes.csv",
    "/seguimiento/datos/reportes.json",
    "/seguimiento/datos/ocds.json",
    "/seguimiento/datos/ocds/KEN-0000.json",
)


@pytest.fixture
def watched(town_a, make_veedor, make_person):
    veedora = make_veedor(town_a)
    reviewer = make_person(first_name="Revisora")
    with tenants_api.in_locality(town_a):
        project = kennedy_project("KEN-0000")
        api.assign_project(project.code, assigned_by=reviewer.pk, user_id=veedora.pk)
    connection.set_schema_to_public()
    return project, veedora, reviewer


def _grow(schema: str, projects: int, reports_each: int, template_report) -> None:
    """More projects and published reports, written in bulk (as the benchmark)."""
    with tenants_api.in_locality(schema):
        base = InvestmentProject.objects.get(code="KEN-0000")
        start = InvestmentProject.objects.count()
        InvestmentProject.objects.bulk_create(
            InvestmentProject(
                **{
                    f.attname: getattr(base, f.attname)
                    for f in InvestmentProject._meta.concrete_fields
                    if f.attname not in ("id", "code")
                },
                code=f"KEN-{start + n:04d}",
            )
            for n in range(projects)
        )
        row = CitizenReport.objects.get(uuid=template_report.report_uuid)
        copies = []
        for project in InvestmentProject.objects.all():
            for _n in range(reports_each):
                copies.append(
                    CitizenReport(
                        **{
                            f.attname: getattr(row, f.attname)
                            for f in CitizenReport._meta.concrete_fields
                            if f.attname
                            not in ("id", "uuid", "idempotency_key", "project_id")
                        },
                        project=project,
                        idempotency_key=uuid.uuid4(),
                    )
                )
        made = CitizenReport.objects.bulk_create(copies)
        AnswerRequest.objects.bulk_create(
            AnswerRequest(
                report=r,
                requested_on=r.submitted_at.date(),
                due_on=r.submitted_at.date(),
            )
            for r in made
        )
        public_cache.bump()
    connection.set_schema_to_public()


def _queries(client, schema, django_assert_max_num_queries) -> dict[str, int]:
    counts = {}
    for path in PAGES:
        with tenants_api.in_locality(schema):
            public_cache.bump()  # the page itself, not its kept copy
        connection.set_schema_to_public()
        with django_assert_max_num_queries(50) as captured:
            assert client.get(path).status_code == 200, path
        counts[path] = len(captured.captured_queries)
    return counts


def test_queries_do_not_grow_with_projects_and_reports(
    watched, town_a, client_a, django_assert_max_num_queries
):
    project, veedora, reviewer = watched
    with tenants_api.in_locality(town_a):
        report = file_report(project, veedora)
        api.publish_report(report.report_uuid, reviewer_id=reviewer.pk)
    connection.set_schema_to_public()
    for path in PAGES:
        client_a.get(path)  # warm the site and locality caches
    small = _queries(client_a, town_a, django_assert_max_num_queries)
    _grow(town_a, projects=40, reports_each=3, template_report=report)
    large = _queries(client_a, town_a, django_assert_max_num_queries)
    assert large == small
    # Budgets (uncached), whatever the size of the locality.
    assert max(small.values()) <= 8, small


def test_a_kept_page_costs_no_query_and_a_change_shows_at_once(
    watched, town_a, client_a, django_assert_num_queries
):
    project, veedora, reviewer = watched
    for path in PAGES:
        client_a.get(path)
    with django_assert_num_queries(0):
        for path in PAGES:
            client_a.get(path)  # pages and downloads: straight from the cache
    with tenants_api.in_locality(town_a):
        report = file_report(project, veedora, progress="5")
        # Sent, not published: nothing public changes, but the kept copies
        # were dropped (a report changed); the new ones still do not show it.
        assert (
            report.report_uuid
            not in client_a.get("/seguimiento/datos/reportes.json").text
        )
        api.publish_report(
            report.report_uuid, reviewer_id=reviewer.pk, public_observations="Nada."
        )
        InvestmentProject.objects.filter(code=project.code).first().save()
    connection.set_schema_to_public()
    assert report.report_uuid in client_a.get("/seguimiento/datos/reportes.json").text
    assert "Nada." in client_a.get(f"/seguimiento/proyectos/{project.code}/").text
    assert report.report_uuid in client_a.get("/seguimiento/datos/ocds.json").text
    with tenants_api.in_locality(town_a):
        api.create_project(
            "KEN-0099",
            "Salón comunal nuevo",
            line=api.InvestmentLine.INFRASTRUCTURE,
            spending_concept="Salones comunales",
            budget="$ 10.000.000",
            upz_code="UPZ82",
        )
    connection.set_schema_to_public()
    assert "Salón comunal nuevo" in client_a.get("/seguimiento/").text
    assert "KEN-0099" in client_a.get("/seguimiento/datos/proyectos.csv").text


def test_the_kept_list_shows_no_personal_part(watched, town_a, client_a, make_person):
    """The cards are kept for everyone: a signed-in veedor's button is outside them."""
    project, veedora, _ = watched
    with tenants_api.in_locality(town_a):
        client_a.force_login(veedora)
    connection.set_schema_to_public()
    mine = client_a.get(f"/seguimiento/proyectos/{project.code}/").text
    assert "Hacer un reporte de visita" in mine
    anonymous = client_a.__class__(HTTP_HOST="kennedy.test")
    assert (
        "Hacer un reporte de visita"
        not in anonymous.get(f"/seguimiento/proyectos/{project.code}/").text
    )


def test_the_list_comes_in_pages_of_50_and_keeps_the_filters(watched, town_a, client_a):
    project, veedora, _reviewer = watched
    with tenants_api.in_locality(town_a):
        report = file_report(project, veedora)
    _grow(town_a, projects=59, reports_each=0, template_report=report)
    first = client_a.get("/seguimiento/?linea=infraestructura").text
    assert "60 proyectos" in first and "Página 1 de 2" in first
    assert first.count('class="card"') == 50
    assert 'href="?linea=infraestructura&amp;pagina=2#proyectos"' in first
    second = client_a.get("/seguimiento/?linea=infraestructura&pagina=2").text
    assert second.count('class="card"') == 10 and "Página 2 de 2" in second
    # A page number out of range or not a number shows a real page.
    assert "Página 2 de 2" in client_a.get("/seguimiento/?pagina=99").text
    assert "Página 1 de 2" in client_a.get("/seguimiento/?pagina=x").text


def test_downloads_go_gzip_to_whoever_accepts_it(watched, client_a):
    import gzip

    plain = client_a.get("/seguimiento/datos/proyectos.csv")
    packed = client_a.get(
        "/seguimiento/datos/proyectos.csv", HTTP_ACCEPT_ENCODING="gzip, deflate"
    )
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert "Content-Encoding" not in plain
    assert plain.content.decode().startswith("codigo,nombre,")


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.parametrize(
    "path",
    [
        "/seguimiento/",
        "/seguimiento/?linea=infraestructura&upz=UPZ82",
        "/seguimiento/proyectos/KEN-0000/",
    ],
)
def test_a_page_kept_whole_gives_each_visitor_a_token_of_their_own(
    watched, path, django_assert_num_queries
):
    first = Client(HTTP_HOST="kennedy.test", enforce_csrf_checks=True)
    assert first.get(path).status_code == 200  # builds the page and keeps it
    second = Client(HTTP_HOST="kennedy.test", enforce_csrf_checks=True)
    with django_assert_num_queries(0):
        page = second.get(path)
    assert public_cache.CSRF_PLACEHOLDER not in page.text
    tokens = {
        TOKEN.search(client.get(path).text).group(1) for client in (first, second)
    }
    assert len(tokens) == 2
    # The visitor's token is good: the language form (in the footer) is taken.
    action = re.search(
        r'<form action="([^"]+)" method="post" class="language">', page.text
    )
    answer = second.post(
        action.group(1),
        {
            "language": "en",
            "next": path,
            "csrfmiddlewaretoken": TOKEN.search(page.text).group(1),
        },
    )
    assert answer.status_code == 302


def test_an_address_with_other_parameters_is_answered_but_not_kept_whole(
    watched, client_a
):
    page = client_a.get("/seguimiento/?utm_source=radio&linea=infraestructura")
    assert page.status_code == 200 and "KEN-0000" in page.text
    # The language form sends the visitor back to the address as typed.
    assert "utm_source=radio" in page.text
    assert "utm_source" not in client_a.get("/seguimiento/?linea=infraestructura").text
