"""A facilitator opens a group and schedules its sessions from the admin."""

from __future__ import annotations

from courses import api
from lms.learning import api as learning_api
from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from tenants import api as tenants_api


def test_facilitator_opens_a_group_and_schedules_a_session(
    town_a, make_person, client_a
):
    facilitator = make_person()
    with tenants_api.in_locality(town_a):
        roles_api.grant_role(facilitator.pk, Role.FACILITATOR)
        api.create_course("Presupuestos participativos", key="pp", modality="mixta")
        client_a.force_login(facilitator)

    assert "Grupos y sesiones" in client_a.get("/admin/").text
    wrong = client_a.post(
        "/admin/grupos/nuevo/",
        {
            "course_key": "pp",
            "name": "Grupo sábado",
            "starts_on": "2026-12-10",
            "ends_on": "2026-12-01",
            "capacity": "25",
        },
    )
    assert "La fecha de fin es anterior a la de inicio" in wrong.text
    created = client_a.post(
        "/admin/grupos/nuevo/",
        {
            "course_key": "pp",
            "name": "Grupo sábado",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-20",
            "capacity": "25",
            "place": "Biblioteca El Tintal",
        },
    )
    assert created.status_code == 302
    with tenants_api.in_locality(town_a):
        [cohort] = learning_api.list_cohorts(facilitator_id=facilitator.pk)
    assert (cohort.name, cohort.capacity) == ("Grupo sábado", 25)

    scheduled = client_a.post(
        f"/admin/grupos/{cohort.cohort_id}/sesiones/nueva/",
        {
            "title": "Las cinco líneas de inversión",
            "starts_at": "2026-12-05T09:00",
            "ends_at": "2026-12-05T12:00",
        },
    )
    assert scheduled.status_code == 302
    listing = client_a.get("/admin/grupos/")
    assert "Las cinco líneas de inversión" in listing.text
    assert "Tomar asistencia" in listing.text
    # The group's course by its title, never its key; and its people's screen.
    assert "Grupo sábado <small>· Presupuestos participativos</small>" in listing.text
    assert "(pp)" not in listing.text
    assert f"/admin/grupos/{cohort.cohort_id}/personas/" in listing.text
    assert "25 cupos ocupados" in listing.text  # «0 de 25», no «inscritas»
    with tenants_api.in_locality(town_a):
        [session] = learning_api.list_sessions(cohort.cohort_id)
    assert session.place == "Biblioteca El Tintal"  # the group's place by default


def test_people_without_the_facilitator_role_cannot_open_groups(
    town_a, make_person, client_a
):
    manager = make_person()
    with tenants_api.in_locality(town_a):
        roles_api.grant_role(manager.pk, Role.LOCALITY_MANAGER)
        client_a.force_login(manager)
        api.create_course("Presupuestos participativos", key="pp")
    refused = client_a.post(
        "/admin/grupos/nuevo/",
        {
            "course_key": "pp",
            "name": "Grupo",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-20",
            "capacity": "25",
        },
    )
    # Wagtail answers a denied admin view by sending the person back to the dashboard.
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    with tenants_api.in_locality(town_a):
        assert learning_api.list_cohorts() == []
