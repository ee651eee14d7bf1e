"""Locality staff run the selection from the admin: roster, committee, draw, export."""

from __future__ import annotations

import io

from django.test import Client
from openpyxl import load_workbook

from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from participation import api
from tenants import api as tenants_api

from .conftest import apply


def _manager(make_person) -> Client:
    manager = make_person(first_name="Gestora", last_name="Local")
    client = Client(HTTP_HOST="kennedy.test")
    with tenants_api.in_locality("test_kennedy"):
        roles_api.grant_role(manager.pk, Role.LOCALITY_MANAGER)
        client.force_login(manager)
    return client


def test_a_committee_decides_from_the_roster_and_exports_it(
    make_role, person, make_person
):
    role = make_role(seats=1, selection_mode=api.SelectionMode.COMMITTEE)
    first, second = person(), person()
    one, two = apply(first, role), apply(second, role)
    client = _manager(make_person)
    assert "/admin/participacion/" in client.get("/admin/").text  # the menu
    page = client.get(f"/admin/participacion/roles/{role.role_id}/").text
    assert first.last_name in page and "••••" in page
    assert f"CC {first.document_number}" not in page
    url = f"/admin/participacion/roles/{role.role_id}/"
    refused = client.post(
        url,
        {"application": two.application_id, "decision": "reject", "reason": ""},
        follow=True,
    )
    assert "Escriba el motivo del rechazo" in refused.text
    client.post(url, {"application": one.application_id, "decision": "select"})
    client.post(
        url,
        {"application": two.application_id, "decision": "reject", "reason": "Sin cupo"},
    )
    with tenants_api.in_locality("test_kennedy"):
        states = {a.user_id: a.status for a in api.list_applications(role.role_id)}
    assert states == {
        first.pk: api.ApplicationStatus.SELECTED,
        second.pk: api.ApplicationStatus.REJECTED,
    }
    csv_text = client.get(f"{url}lista.csv").content.decode("utf-8-sig")
    assert "Seleccionada" in csv_text and "Sin cupo" in csv_text
    book = load_workbook(io.BytesIO(client.get(f"{url}lista.xlsx").content))
    assert book.active.max_row == 4  # title, header, two people


def test_the_draw_is_made_from_the_roster_page(make_role, person, make_person):
    role = make_role(seats=1, selection_mode=api.SelectionMode.LOTTERY)
    for _ in range(3):
        apply(person(), role)
    client = _manager(make_person)
    url = f"/admin/participacion/roles/{role.role_id}/"
    done = client.post(url, {"seed": "Baloto 2027-03-01"}, follow=True)
    assert "Sorteo hecho: 1 personas seleccionadas" in done.text
    assert "Baloto 2027-03-01" in done.text


def test_a_facilitator_does_not_select(make_role, make_person):
    role = make_role()
    facilitator = make_person()
    client = Client(HTTP_HOST="kennedy.test")
    with tenants_api.in_locality("test_kennedy"):
        roles_api.grant_role(facilitator.pk, Role.FACILITATOR)
        client.force_login(facilitator)
    response = client.get(f"/admin/participacion/roles/{role.role_id}/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
