"""A person finds the roles, sees what is missing, applies and withdraws."""

from __future__ import annotations

from django.test import Client

from courses import api as courses_api
from tenants import api as tenants_api


def _signed_in(user, host="kennedy.test", schema="test_kennedy") -> Client:
    client = Client(HTTP_HOST=host)
    with tenants_api.in_locality(schema):
        client.force_login(user)
    return client


def test_a_certified_person_applies_from_the_pages(make_role, person):
    role = make_role()
    client = _signed_in(person())
    listing = client.get("/participacion/").text
    assert "Puede postularse." in listing and role.title in listing
    page = client.get(f"/participacion/roles/{role.role_id}/").text
    assert "Ley 850" in page
    refused = client.post(f"/participacion/roles/{role.role_id}/", {"motivation": "x"})
    assert "declaración" in refused.text
    done = client.post(
        f"/participacion/roles/{role.role_id}/",
        {"motivation": "Conozco mi barrio.", "declaration": "on"},
        follow=True,
    )
    assert "Recibimos su postulación" in done.text
    assert "Estado: Seleccionada" in done.text
    withdrawn = client.post(
        f"/participacion/roles/{role.role_id}/retirarse/", follow=True
    )
    assert "Retiró su postulación" in withdrawn.text


def test_what_is_missing_links_to_the_course(make_role, person):
    make_role()
    page = _signed_in(person(certified=False)).get("/participacion/").text
    assert "Le falta:" in page and "Presupuestos participativos" in page
    with tenants_api.in_locality("test_kennedy"):
        [course] = [c for c in courses_api.list_catalog() if c.key == "pp"]
    assert f'href="{course.url}"' in page


def test_visitors_see_roles_and_are_asked_to_sign_in(make_role, client_a):
    make_role()
    page = client_a.get("/participacion/").text
    assert "Ingrese para saber si puede postularse" in page


def test_a_kennedy_role_is_not_on_bosa(make_role, person):
    role = make_role()
    bosa = _signed_in(person(), "bosa.test", "test_bosa")
    assert role.title not in bosa.get("/participacion/").text
    assert bosa.get(f"/participacion/roles/{role.role_id}/").status_code == 404
    assert (
        bosa.get(f"/participacion/roles/{role.role_id}/requisitos").status_code == 404
    )
