"""Staff screens of citizen monitoring: review, assignments, veedurías.

Who may open each screen is in the access matrix (tests/access/); these tests
check what the screens do, and that a report's own review screen refuses as
the queue does.
"""

from __future__ import annotations

import pytest
from django.db import connection

from lms.learning import api as learning_api
from lms.locality_roles.data import Role
from monitoring import api
from monitoring.models import Assignment, Veeduria
from tenants import api as tenants_api
from tests.assertions import assert_refused_by_admin

from .conftest import file_report, jpeg_with_gps, kennedy_project


@pytest.fixture
def waiting_report(town_a, make_veedor):
    veedora = make_veedor(town_a)
    with tenants_api.in_locality(town_a):
        project = kennedy_project()
        api.assign_project(project.code, assigned_by=1, user_id=veedora.pk)
        report = file_report(
            project,
            veedora,
            observations="La señora Rosa Díaz, del 3.er piso, se quejó del ruido.",
            photos=[("obra.jpg", jpeg_with_gps())],
        )
    connection.set_schema_to_public()
    return report, veedora


def test_a_facilitator_publishes_a_redacted_report(staff, waiting_report):
    report, veedora = waiting_report
    client = staff(Role.FACILITATOR)
    queue = client.get("/admin/seguimiento/reportes/").text
    assert report.project_name in queue and "Veedora" in queue
    url = f"/admin/seguimiento/reportes/{report.report_uuid}/"
    page = client.get(url).text
    assert "Rosa Díaz" in page  # the reviewer reads the original to redact it
    assert f"/seguimiento/fotos/{report.photos[0].photo_uuid}.jpg" in page
    photo = client.get(f"/seguimiento/fotos/{report.photos[0].photo_uuid}.jpg")
    assert photo.status_code == 200  # reviewers see photos before publication

    done = client.post(
        url,
        {"action": "publish", "public_observations": "Una vecina se quejó del ruido."},
    )

    assert done.status_code == 302
    with tenants_api.in_locality("test_kennedy"):
        published = api.get_report(report.report_uuid)
        assert published.status is api.ReportStatus.PUBLISHED
        assert published.public_observations == "Una vecina se quejó del ruido."
        assert "publicado" in learning_api.list_notifications(veedora.pk)[0]["title"]
    public = client.get(f"/seguimiento/proyectos/{report.project_code}/").text
    assert "Una vecina se quejó del ruido." in public and "Rosa Díaz" not in public


def test_returning_needs_a_reason(staff, waiting_report):
    report, _ = waiting_report
    client = staff(Role.LOCALITY_MANAGER)
    url = f"/admin/seguimiento/reportes/{report.report_uuid}/"
    refused = client.post(url, {"action": "return", "reason": ""})
    assert refused.status_code == 400 and "Diga por qué" in refused.text
    client.post(url, {"action": "return", "reason": "Nombra a una vecina."})
    with tenants_api.in_locality("test_kennedy"):
        assert api.get_report(report.report_uuid).return_reason == (
            "Nombra a una vecina."
        )


def test_the_review_screen_refuses_who_the_queue_refuses(staff, waiting_report):
    report, veedora = waiting_report
    url = f"/admin/seguimiento/reportes/{report.report_uuid}/"
    assert_refused_by_admin(staff(Role.ADMINISTRATOR).get(url))
    assert_refused_by_admin(staff(Role.ADMINISTRATOR).post(url, {"action": "publish"}))
    # A Bosa facilitator finds no such report in Bosa.
    assert staff(Role.FACILITATOR, "test_bosa").get(url).status_code == 404
    # The author, even holding a reviewing role, cannot publish their own.
    own = staff(Role.FACILITATOR, person=veedora).post(url, {"action": "publish"})
    assert own.status_code == 400 and "Otra persona" in own.text


def test_a_manager_registers_a_veeduria_and_assigns_it_a_project(
    staff, town_a, make_person, make_veedor
):
    member = make_person(email="integrante@example.org")
    veedor = make_veedor(town_a, first_name="Víctor")
    with tenants_api.in_locality(town_a):
        project = kennedy_project()
    client = staff(Role.LOCALITY_MANAGER)
    form = {
        "name": "Veeduría Parques Patio Bonito",
        "purpose": "Parques vecinales",
        "territorial_level": "Local",
        "duration": "Un año",
        "residence": "Kennedy",
        "founded_on": "2026-02-01",
        "registered_with": "personeria",
        "registration_number": "PB-2026-0147",
        "registered_on": "2026-02-20",
        "members": "nadie@example.org",
    }
    unknown = client.post("/admin/seguimiento/veedurias/", form)
    assert "Sin cuenta en la plataforma: nadie@example.org" in unknown.text
    form["members"] = "Integrante@example.org"
    assert client.post("/admin/seguimiento/veedurias/", form).status_code == 302
    with tenants_api.in_locality(town_a):
        veeduria = Veeduria.objects.get()
        assert list(veeduria.members.values_list("user_id", flat=True)) == [member.pk]

    page = client.get("/admin/seguimiento/asignaciones/").text
    assert "Víctor" in page and "Veeduría Parques Patio Bonito" in page
    both = client.post(
        "/admin/seguimiento/asignaciones/",
        {"project": project.code, "user_id": veedor.pk, "veeduria_id": veeduria.pk},
    )
    assert "solo una de las dos" in both.text
    for choice in ({"user_id": veedor.pk}, {"veeduria_id": veeduria.pk}):
        done = client.post(
            "/admin/seguimiento/asignaciones/", {"project": project.code, **choice}
        )
        assert done.status_code == 302
    with tenants_api.in_locality(town_a):
        assert Assignment.objects.filter(ended_at__isnull=True).count() == 2
        assert [a.project_code for a in api.assignments_of(member.pk)] == [project.code]
    listing = client.get("/admin/seguimiento/asignaciones/").text
    assert "Veeduría Veeduría Parques Patio Bonito" in listing or (
        "Parques Patio Bonito" in listing
    )
