"""Locality staff run the selection from the admin: roster, committee, draw, export."""

from __future__ import annotations

import io
import uuid

from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from participation import api
from participation.models import WebhookDelivery
from participation.webhooks import DELIVER_TASK, MAX_RETRIES
from tenants import api as tenants_api
from tenants.models import TaskOutbox

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
    assert "Sorteo hecho: 1 persona seleccionada." in done.text
    assert "Baloto 2027-03-01" in done.text


def test_quotas_the_draw_could_not_meet_are_shown_with_the_reason(
    make_role, person, make_person, client_a
):
    role = make_role(
        seats=2,
        selection_mode=api.SelectionMode.LOTTERY,
        lottery_quotas={"genero": {"mujer": 1}},
    )
    for _ in range(3):  # nobody declared a gender
        apply(person(), role)
    client = _manager(make_person)
    url = f"/admin/participacion/roles/{role.role_id}/"
    done = client.post(url, {"seed": "Baloto 2027-03-01"}, follow=True).text
    assert "Sorteo hecho: 2 personas seleccionadas." in done
    assert "genero = mujer" in done and "solo se postularon 0 personas" in done
    # Published with the draw, for anyone who re-runs it.
    published = client_a.get(f"/participacion/roles/{role.role_id}/sorteo").json()
    [unmet] = published["unmet_quotas"]
    assert "genero = mujer" in unmet


def test_a_facilitator_does_not_select(make_role, make_person):
    role = make_role()
    facilitator = make_person()
    client = Client(HTTP_HOST="kennedy.test")
    with tenants_api.in_locality("test_kennedy"):
        roles_api.grant_role(facilitator.pk, Role.FACILITATOR)
        client.force_login(facilitator)
    response = client.get(f"/admin/participacion/roles/{role.role_id}/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def _locality_admin(make_person) -> Client:
    admin = make_person(first_name="Administradora", last_name="Local")
    client = Client(HTTP_HOST="kennedy.test")
    with tenants_api.in_locality("test_kennedy"):
        roles_api.grant_role(admin.pk, Role.ADMINISTRATOR)
        client.force_login(admin)
    return client


def _delivery(**fields) -> int:
    fields.setdefault("payload", {"evento": "rol.seleccionada"})
    with tenants_api.in_locality("test_kennedy"):
        return WebhookDelivery.objects.create(
            event_id=uuid.uuid4(),
            event="rol.seleccionada",
            created_at=timezone.now(),
            **fields,
        ).pk


def _queued(delivery_id: int) -> int:
    """How many sending tasks of this event wait in the outbox."""
    with tenants_api.in_public_schema():
        return TaskOutbox.objects.filter(
            task_name=DELIVER_TASK, schema_name="test_kennedy", args=[delivery_id]
        ).count()


def test_undelivered_events_are_listed_with_their_last_error_and_sent_again(
    make_person, django_capture_on_commit_callbacks
):
    exhausted = _delivery(
        attempts=MAX_RETRIES + 1, last_status=503, last_error="Mantenimiento"
    )
    _delivery(attempts=2, last_error="Connection refused")  # Celery retries it
    delivered = _delivery(attempts=1, last_status=200, delivered_at=timezone.now())
    client = _locality_admin(make_person)
    assert "/admin/participacion/eventos/" in client.get("/admin/").text  # the menu
    page = client.get("/admin/participacion/eventos/").text
    assert (
        "Agotado: ya no se reintenta" in page
        and "Respuesta HTTP 503: Mantenimiento" in page
    )
    assert "Fallando: se reintenta solo" in page and "Connection refused" in page
    assert page.count("Reintentar ahora") == 2  # the delivered one is not listed

    # The sending task goes into the outbox with the request's transaction
    # (captured here, not published).
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"/admin/participacion/eventos/{exhausted}/reintentar/")
    assert response.status_code == 302 and _queued(exhausted) == 1
    with django_capture_on_commit_callbacks(execute=False):
        client.post(f"/admin/participacion/eventos/{delivered}/reintentar/")
    assert _queued(delivered) == 0  # a delivered event is never sent again
    refused = client.get("/admin/participacion/eventos/").text
    assert "ya fue entregado" in refused


def test_selectors_do_not_see_the_undelivered_events(make_person):
    _delivery(attempts=49, last_error="Mantenimiento")
    client = _manager(make_person)
    assert "/admin/participacion/eventos/" not in client.get("/admin/").text
    refused = client.get("/admin/participacion/eventos/")
    # Wagtail answers a refusal in its admin with a redirect to its home.
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
