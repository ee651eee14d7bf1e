"""The header's account menu: where a signed-in person finds their pages again."""

from __future__ import annotations

import re

from tenants import api as tenants_api

MENU = {
    "/aprendizaje/": "Mi aprendizaje",
    "/certificados/mis-certificados/": "Mis certificados",
    "/participacion/": "Roles de participación",
    "/cuenta/mis-datos/": "Mis datos",
}


def _menu(html: str) -> str:
    found = re.search(r'<nav class="account".*?</nav>', html, re.S)
    assert found, "the header has no account menu"
    return found.group(0)


def test_signed_in_people_get_a_menu_to_their_pages_that_works_without_scripts(
    town_a, client_a, make_person
):
    person = make_person(first_name="Luz")
    with tenants_api.in_locality(town_a):
        client_a.force_login(person)
        menu = _menu(client_a.get("/aprendizaje/").text)

    assert "<details" in menu and "<summary>" in menu and "Luz" in menu
    for href, label in MENU.items():
        assert f'href="{href}"' in menu and label in menu
        # Every link leads somewhere: no menu entry is a 404.
        with tenants_api.in_locality(town_a):
            assert client_a.get(href).status_code == 200, href
    assert 'href="/aprendizaje/" aria-current="page"' in menu
    assert 'action="/cuenta/salir/"' in menu and "Salir" in menu
    assert "<script" not in menu and "onclick" not in menu


def test_visitors_are_offered_to_sign_in_or_create_an_account(town_a, client_a):
    with tenants_api.in_locality(town_a):
        menu = _menu(client_a.get("/cuenta/registro/").text)

    assert 'href="/cuenta/ingresar/"' in menu and "Ingresar" in menu
    assert 'href="/cuenta/registro/"' in menu and "Crear cuenta" in menu
    assert "Mis certificados" not in menu
