"""Official figures from Decidim (GraphQL) and SECOP II (Socrata SODA).

Only the HTTP boundary is mocked (``responses``), with answers shaped like the
real services': Decidim's accountability ``Result`` type (translated fields
through ``translation(locale:)``, a Relay connection with ``pageInfo``) and the
rows of datos.gov.co's dataset jbjy-vk9h (every value a string, URL columns as
``{"url": ...}``).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import requests
import responses

from monitoring import api
from monitoring.tasks import refresh_locality_task
from tenants import api as tenants_api

from .conftest import kennedy_project

DECIDIM = "https://decidim.example.org/api"
SECOP = "https://www.datos.gov.co/resource/jbjy-vk9h.json"


def decidim_result(result_id="231", external_id="KEN-2025-001", progress=62.5, **extra):
    node = {
        "id": result_id,
        "externalId": external_id,
        "title": {"translation": "Parque vecinal Ciudad de Cali"},
        "progress": progress,
        "startDate": "2025-02-01",
        "endDate": "2025-11-30",
        "updatedAt": "2025-10-20T14:03:11-05:00",
        "status": {
            "key": "en_ejecucion",
            "progress": 50,
            "name": {"translation": "En ejecución"},
        },
        "timelineEntries": [
            {
                "id": "88",
                "entryDate": "2025-03-15",
                "title": {"translation": "Acta de inicio"},
                "description": {"translation": "<p>Se firmó el <b>acta</b>.</p>"},
            }
        ],
    }
    node.update(extra)
    return node


def decidim_page(nodes, *, has_next=False, cursor="NTA"):
    return {
        "data": {
            "component": {
                "id": "14",
                "__typename": "Accountability",
                "results": {
                    "pageInfo": {"hasNextPage": has_next, "endCursor": cursor},
                    "nodes": nodes,
                },
            }
        }
    }


def secop_row(contract_id="CO1.PCCNTR.5123456", **extra):
    row = {
        "nombre_entidad": "ALCALDIA LOCAL DE KENNEDY",
        "proceso_de_compra": "CO1.BDOS.4987654",
        "id_contrato": contract_id,
        "estado_contrato": "En ejecución",
        "valor_del_contrato": "448750000",
        "objeto_del_contrato": "CONSTRUCCION DEL PARQUE VECINAL CIUDAD DE CALI",
        "urlproceso": {
            "url": "https://community.secop.gov.co/Public/Tendering/"
            "OpportunityDetail/Index?noticeUID=CO1.NTC.4987654"
        },
        "fecha_de_inicio_del_contrato": "2025-02-03T00:00:00.000",
        "fecha_de_fin_del_contrato": "2025-11-30T00:00:00.000",
    }
    row.update(extra)
    return row


@pytest.fixture
def http():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def kennedy_with_sources(in_town_a):
    kennedy_project(secop_contract_id="CO1.PCCNTR.5123456", progress="35")
    api.configure_decidim(DECIDIM, "14")
    return in_town_a


def _status(service):
    return next(s for s in api.list_sync_statuses() if s.service is service)


def test_decidim_results_become_the_official_figures(kennedy_with_sources, http):
    http.add(responses.POST, DECIDIM, json=decidim_page([decidim_result()]))

    (outcome,) = api.refresh_official_figures((api.OutsideService.DECIDIM,))

    assert (outcome.updated, outcome.error) == (1, "")
    sent = json.loads(http.calls[0].request.body)
    assert sent["variables"] == {"id": "14", "after": None}
    assert "... on Accountability" in sent["query"]
    project = api.get_project("KEN-2025-001")
    assert project.progress == Decimal("62.50")
    assert project.progress_source is api.FigureSource.DECIDIM
    assert str(project.progress_as_of) == "2025-10-20"
    assert project.status is api.ProjectStatus.IN_PROGRESS
    assert project.status_label == "En ejecución"
    assert project.decidim_result_id == "231"
    (entry,) = project.timeline
    assert (str(entry.entry_date), entry.title) == ("2025-03-15", "Acta de inicio")
    assert entry.description == "Se firmó el acta."  # Decidim's HTML is dropped
    status = _status(api.OutsideService.DECIDIM)
    assert status.last_success_at and not status.is_failing


def test_decidim_pages_are_followed(kennedy_with_sources, http):
    kennedy_project("KEN-2025-002")
    http.add(
        responses.POST,
        DECIDIM,
        json=decidim_page([decidim_result()], has_next=True, cursor="MQ"),
    )
    http.add(
        responses.POST,
        DECIDIM,
        json=decidim_page([decidim_result("232", "KEN-2025-002", 10.0)]),
    )
    (outcome,) = api.refresh_official_figures((api.OutsideService.DECIDIM,))
    assert outcome.updated == 2
    assert json.loads(http.calls[1].request.body)["variables"]["after"] == "MQ"
    assert api.get_project("KEN-2025-002").progress == Decimal("10.00")


FAILURES = {
    "down": {"body": requests.ConnectionError("connection refused")},
    "slow": {"body": requests.ReadTimeout("read timed out")},
    "server error": {"status": 502, "body": "<html>Bad gateway</html>"},
    "not json": {"body": "<html>Mantenimiento</html>"},
    "graphql error": {"json": {"errors": [{"message": "Field 'x' doesn't exist"}]}},
    "wrong component": {
        "json": {"data": {"component": {"id": "14", "__typename": "Proposals"}}}
    },
    "bad progress halfway": {
        "json": decidim_page(
            [decidim_result(), decidim_result("232", "KEN-2025-002", "alto")]
        )
    },
}
EXPLAINED = {
    "down": "No se pudo conectar con Decidim",
    "slow": "no respondió a tiempo",
    "server error": "error HTTP 502",
    "not json": "no es JSON válido",
    "graphql error": "Decidim rechazó la consulta",
    "wrong component": "no de rendición de cuentas",
    "bad progress halfway": "un avance no es un número",
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_failing_decidim_keeps_the_last_good_figures_and_tells_staff(
    kennedy_with_sources, http, failure
):
    http.add(responses.POST, DECIDIM, json=decidim_page([decidim_result()]))
    api.refresh_official_figures((api.OutsideService.DECIDIM,))
    good = api.get_project("KEN-2025-001")
    http.replace(responses.POST, DECIDIM, **FAILURES[failure])

    (outcome,) = api.refresh_official_figures((api.OutsideService.DECIDIM,))

    assert EXPLAINED[failure] in outcome.error
    assert "Se conservan las últimas cifras" in outcome.error
    assert api.get_project("KEN-2025-001") == good  # nothing half-written
    status = _status(api.OutsideService.DECIDIM)
    assert status.is_failing and EXPLAINED[failure] in status.last_error
    assert status.last_success_at is not None  # when the figures are from

    http.replace(responses.POST, DECIDIM, json=decidim_page([decidim_result()]))
    api.refresh_official_figures((api.OutsideService.DECIDIM,))
    assert not _status(api.OutsideService.DECIDIM).is_failing


def test_secop_contracts_set_value_state_and_link(kennedy_with_sources, http):
    http.add(responses.GET, SECOP, json=[secop_row()])

    (outcome,) = api.refresh_official_figures((api.OutsideService.SECOP,))

    assert outcome.updated == 1
    params = http.calls[0].request.params
    assert params["$where"] == "id_contrato in ('CO1.PCCNTR.5123456')"
    assert "valor_del_contrato" in params["$select"]
    project = api.get_project("KEN-2025-001")
    assert project.contract_value == Decimal("448750000")
    assert project.contract_status == "En ejecución"
    assert project.secop_url.startswith("https://community.secop.gov.co/")
    # SECOP has no physical progress: the alcaldía's figure stays.
    assert project.progress == Decimal("35.00")
    assert project.progress_source is api.FigureSource.LOCAL_OFFICE


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ({"body": requests.ReadTimeout("slow")}, "no respondió a tiempo"),
        ({"json": {"error": True, "message": "Invalid SoQL"}}, "forma inesperada"),
        ({"json": [secop_row(valor_del_contrato="mucho")]}, "no es un número"),
        ({"body": "[{'id_contrato': "}, "no es JSON válido"),
    ],
)
def test_a_failing_secop_keeps_the_last_good_figures(
    kennedy_with_sources, http, answer, words
):
    http.add(responses.GET, SECOP, json=[secop_row()])
    api.refresh_official_figures((api.OutsideService.SECOP,))
    good = api.get_project("KEN-2025-001")
    http.replace(responses.GET, SECOP, **answer)

    (outcome,) = api.refresh_official_figures((api.OutsideService.SECOP,))

    assert words in outcome.error
    assert api.get_project("KEN-2025-001") == good
    assert words in _status(api.OutsideService.SECOP).last_error


def test_a_service_with_nothing_to_read_is_not_called(in_town_a, http):
    kennedy_project()  # no SECOP contract, no Decidim configured
    outcomes = api.refresh_official_figures()
    assert all(o.skipped for o in outcomes)
    assert len(http.calls) == 0


def test_bad_decidim_settings_are_refused(in_town_a):
    with pytest.raises(api.SourceConfigError, match="https"):
        api.configure_decidim("http://decidim.example.org/api", "14")
    with pytest.raises(api.SourceConfigError, match="es un número"):
        api.configure_decidim(DECIDIM, "resultados")


def test_a_locality_refresh_touches_only_that_locality(two_localities, http):
    """Same project code in both; Bosa's Decidim says 90 %; Kennedy keeps its own."""
    with tenants_api.in_locality("test_bosa"):
        api.configure_decidim(DECIDIM, "21")
    http.add(
        responses.POST,
        DECIDIM,
        json=decidim_page([decidim_result("900", "PP-001", 90.0)]),
    )
    assert refresh_locality_task("test_bosa")["decidim"] == "1"
    assert refresh_locality_task("test_kennedy")["decidim"] == "sin datos"
    with tenants_api.in_locality("test_bosa"):
        assert api.get_project("PP-001").progress == Decimal("90.00")
    with tenants_api.in_locality("test_kennedy"):
        kennedy = api.get_project("PP-001")
        assert kennedy.progress == Decimal("35.00")
        assert kennedy.decidim_result_id == ""
        decidim = _status(api.OutsideService.DECIDIM)
        assert (decidim.endpoint, decidim.last_attempt_at) == ("", None)
