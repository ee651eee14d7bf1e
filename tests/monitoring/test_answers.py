"""Answers with deadlines: 15 Colombian business days from publication, counted
across a holiday with a frozen clock; escalation once, with a letter; the
author told at each step."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from lms.learning import api as learning_api
from lms.locality_roles.data import Role
from monitoring import api
from tenants import api as tenants_api
from tests.assertions import assert_refused_by_admin

from .conftest import file_report, kennedy_project

BOGOTA = ZoneInfo("America/Bogota")


def _freeze(monkeypatch, day: date) -> None:
    moment = datetime(day.year, day.month, day.day, 10, 0, tzinfo=BOGOTA)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_business_days_skip_weekends_and_colombian_holidays():
    assert not api.is_business_day(date(2026, 12, 8))  # Inmaculada Concepción
    assert not api.is_business_day(date(2026, 12, 12))  # a Saturday
    assert api.is_business_day(date(2026, 12, 9))
    # Tuesday 1 December: the 15th business day after skips the 8th.
    assert api.business_days_after(date(2026, 12, 1), 15) == date(2026, 12, 23)
    # Across New Year and Epiphany, moved to Monday 12 January 2026.
    assert api.business_days_after(date(2025, 12, 30), 5) == date(2026, 1, 7)
    assert api.business_days_after(date(2026, 1, 9), 1) == date(2026, 1, 13)


@pytest.fixture
def published(town_a, make_veedor, make_person, monkeypatch):
    """A report published on Tuesday 1 December 2026 (frozen clock)."""
    _freeze(monkeypatch, date(2026, 12, 1))
    veedora = make_veedor(town_a)
    reviewer = make_person()
    with tenants_api.in_locality(town_a):
        project = kennedy_project()
        api.assign_project(project.code, assigned_by=reviewer.pk, user_id=veedora.pk)
        report = file_report(project, veedora, progress="10")
        report = api.publish_report(report.report_uuid, reviewer_id=reviewer.pk)
    return report, veedora


def test_publishing_asks_for_an_answer_within_the_legal_term(published, town_a):
    report, veedora = published
    assert report.answer.requested_on == date(2026, 12, 1)
    assert report.answer.due_on == date(2026, 12, 23)
    with tenants_api.in_locality(town_a):
        notices = learning_api.list_notifications(veedora.pk)
    told = [n for n in notices if "debe responder" in n["title"]]
    assert told and "23/12/2026" in told[0]["body"]


def test_an_unanswered_report_is_escalated_once_after_its_last_day(
    published, town_a, monkeypatch, client_a
):
    report, veedora = published
    with tenants_api.in_locality(town_a):
        _freeze(monkeypatch, date(2026, 12, 23))  # the last day: still in time
        assert api.escalate_overdue() == []
        assert not api.get_report(report.report_uuid).answer.is_overdue
        _freeze(monkeypatch, date(2026, 12, 24))
        assert api.get_report(report.report_uuid).answer.is_overdue
        assert api.escalate_overdue() == [report.report_uuid]
        assert api.escalate_overdue() == []  # once
        escalated = api.get_report(report.report_uuid).answer
        assert escalated.escalated_to == "personeria"
        letter = api.escalation_letter(report.report_uuid)
        notices = learning_api.list_notifications(veedora.pk)
    assert "Personería de Bogotá" in letter
    assert "Parque Ciudad de Cali" in letter and "KEN-2025-001" in letter
    assert "venció el 23 de diciembre de 2026" in letter
    assert "Ley 1755 de 2015" in letter
    assert any("se escaló" in n["title"] for n in notices)

    url = f"/seguimiento/reportes/{report.report_uuid}/carta-de-escalamiento.txt"
    anonymous = client_a.get(url)
    assert anonymous.status_code == 404
    with tenants_api.in_locality(town_a):
        client_a.force_login(veedora)
    connection.set_schema_to_public()
    download = client_a.get(url)
    assert download.status_code == 200
    assert "Personería de Bogotá" in download.content.decode()
    page = client_a.get(f"/seguimiento/proyectos/{report.project_code}/").text
    assert "el caso se escaló el 24 de diciembre de 2026" in page


def test_the_alcaldia_answers_in_the_platform(
    published, town_a, staff, monkeypatch, client_b
):
    report, veedora = published
    manager = staff(Role.LOCALITY_MANAGER)
    queue = manager.get("/admin/seguimiento/respuestas/").text
    assert report.project_name in queue and "23 de diciembre de 2026" in queue
    url = f"/admin/seguimiento/respuestas/{report.report_uuid}/"
    empty = manager.post(url, {"answer": "  "})
    assert empty.status_code == 400 and "Escriba la respuesta" in empty.text
    _freeze(monkeypatch, date(2026, 12, 10))
    done = manager.post(url, {"answer": "Los juegos llegan el 15 de enero."})
    assert done.status_code == 302
    with tenants_api.in_locality(town_a):
        _freeze(monkeypatch, date(2027, 1, 5))
        assert api.escalate_overdue() == []  # answered: nothing to escalate
        answered = api.get_report(report.report_uuid).answer
        notices = learning_api.list_notifications(veedora.pk)
    assert answered.answer == "Los juegos llegan el 15 de enero."
    assert not answered.is_overdue
    assert any("respondió" in n["title"] for n in notices)
    _freeze(monkeypatch, date(2026, 12, 11))  # within the session's life again
    public = manager.get(f"/seguimiento/proyectos/{report.project_code}/").text
    assert "Los juegos llegan el 15 de enero." in public
    again = manager.post(url, {"answer": "Otra"})
    assert "ya tiene respuesta" in again.text
    # Refused to other roles, and nothing of Kennedy's is found from Bosa.
    assert_refused_by_admin(staff(Role.FACILITATOR).get(url))
    assert staff(Role.LOCALITY_MANAGER, "test_bosa").get(url).status_code == 404
