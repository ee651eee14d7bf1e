"""Citizen monitoring on the dashboards: barrios reached by workshops toward 50 %
(city and locality), the monitoring funnel per locality and line with small
cells suppressed, Kennedy and Bosa apart, and the nightly recount's drift."""

from __future__ import annotations

import re

import pytest

from lms.locality_roles.api import Role, grant_role
from monitoring import api as monitoring_api
from reporting import api
from reporting.models import LocalityBarrioCoverage, LocalityMonitoringFunnel
from reporting.monitoring_panels import (
    record_barrio_coverage,
    record_monitoring_funnel,
)
from tenants import api as tenants_api
from tests.monitoring.workshop_helpers import KENNEDY_BARRIOS, facilitator_session

INFRA = monitoring_api.InvestmentLine.INFRASTRUCTURE.value
ENV = monitoring_api.InvestmentLine.ENVIRONMENT.value


def _signed_in(client, make_person, schema, role):
    person = make_person()
    with tenants_api.in_locality(schema):
        grant_role(person.pk, role)
        client.force_login(person)
    return client


def _coverage(reached, total, workshops=1):
    return monitoring_api.BarrioCoverage(
        reached=reached, total=total, workshops=workshops
    )


def _line(line, active, filed, published, on_time):
    return monitoring_api.FunnelLine(line, active, filed, published, on_time)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def figures(town_a, town_b):
    record_barrio_coverage(town_a, _coverage(60, 102, workshops=4))
    record_barrio_coverage(town_b, _coverage(10, 74))
    record_monitoring_funnel(
        town_a,
        [
            _line(INFRA, 7, 12, 9, 3),  # 3 answered on time: a small cell
            _line(ENV, 6, 8, 6, 6),
            _line("", 11, 20, 15, 9),
        ],
    )
    record_monitoring_funnel(town_b, [_line(ENV, 2, 2, 1, 1), _line("", 2, 2, 1, 1)])


def test_the_city_shows_each_locality_toward_half_of_its_barrios(
    figures, client_campus, make_person, campus
):
    client = _signed_in(client_campus, make_person, campus, Role.PROGRAM_MANAGER)
    page = client.get("/tablero/")
    assert page.status_code == 200
    text = _text(page.text)
    assert "Talleres de inteligencia colectiva: barrios alcanzados" in text
    # Kennedy: 60 of 102 (58.8 %), goal met; Bosa 10 of 74, 27 to go.
    assert re.search(r"Kennedy 4 60 102 58[.,]8 .*cumplida", text)
    assert re.search(r"Bosa 1 10 74 13[.,]5 .*faltan 27", text)
    assert re.search(r"Bogotá 5 70 176 39[.,]8", text)
    assert "1 de 2 localidades con al menos el 50 % de sus barrios" in text
    assert "sectores catastrales de la UAECD" in text
    # The funnel per locality: Bosa's counts are all under 5, hidden; with
    # only two localities, Kennedy's cells are hidden with them (the city's
    # total is shown, so one hidden cell alone could be subtracted).
    assert "Bosa &lt;5 &lt;5 &lt;5 &lt;5" in text
    assert "Kennedy &lt;5 &lt;5 &lt;5 &lt;5" in text
    assert "Bogotá (suma de localidades) 13 22 16 10" in text


def test_a_locality_shows_its_own_barrios_and_lines_only(
    figures, client_a, make_person, town_a
):
    client = _signed_in(client_a, make_person, town_a, Role.LOCALITY_MANAGER)
    text = _text(client.get("/tablero/").text)
    assert "60 de 102 barrios alcanzados" in text and "meta: 50 % (51 barrios)" in text
    assert "74" not in re.findall(r"de (\d+) barrios", text)
    lines = re.search(r"Seguimiento ciudadano: del rol a la respuesta(.*)", text)[1]
    # 3 answered on time is hidden, and with it the column's smallest other
    # cell (a line with none: the rule hides a zero too).
    assert re.search(r"Infraestructura [^0-9&]*7 12 9 &lt;5", lines)
    assert "Inversión ambiental sostenible 6 8 6 6" in lines
    assert "Economía local, micro y pequeñas empresas 0 0 0 &lt;5" in lines
    assert "Ruralidad 0 0 0 0" in lines
    assert "Kennedy 11 20 15 9" in lines


def test_bosa_manager_sees_nothing_of_kennedy(figures, client_b, make_person, town_b):
    client = _signed_in(client_b, make_person, town_b, Role.LOCALITY_MANAGER)
    text = _text(client.get("/tablero/").text)
    assert "10 de 74 barrios alcanzados" in text
    assert "de 102 barrios" not in text and "60 de" not in text


def test_a_locality_without_workshops_shows_zero_of_its_barrios(
    client_campus, make_person, campus, town_a
):
    client = _signed_in(client_campus, make_person, campus, Role.PROGRAM_MANAGER)
    text = _text(client.get(f"/tablero/localidad/{town_a}/").text)
    assert "0 de 102 barrios alcanzados" in text
    assert "Todavía no hay proyectos asignados ni reportes" in text


def test_a_real_workshop_reaches_the_dashboard_and_the_recount_keeps_it(
    town_a, town_b, make_person, django_capture_on_commit_callbacks
):
    facilitator = make_person()
    with tenants_api.in_locality(town_a):
        session = facilitator_session(facilitator.pk)
        with django_capture_on_commit_callbacks(execute=True):
            monitoring_api.record_workshop(
                session.session_id,
                recorded_by=facilitator.pk,
                barrio_codes=list(KENNEDY_BARRIOS),
            )
    panels = api.build_monitoring_panels(town_a)
    assert (panels.coverage.reached, panels.coverage.total) == (3, 102)
    first = api.recount()
    assert first.drift["barrios"] == 0  # the event had it right
    # A lost event: the recount copies the locality's figures again.
    LocalityBarrioCoverage.objects.filter(schema_name=town_a).delete()
    LocalityMonitoringFunnel.objects.create(schema_name=town_b, line="", filed=3)
    second = api.recount()
    assert second.drift["barrios"] == 1 and second.drift["monitoring_funnel"] == 1
    assert LocalityBarrioCoverage.objects.get(schema_name=town_a).reached == 3
    assert not LocalityMonitoringFunnel.objects.filter(schema_name=town_b).exists()
    city = api.build_monitoring_panels("")
    kennedy = next(r for r in city.coverage_localities if r.key == town_a)
    assert (kennedy.reached, kennedy.workshops) == (3, 1)
