"""What one locality creates is invisible from another.

Content, roles, media files, search results and cache entries, each checked
from both sides, through the public API and over HTTP.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import api as courses_api
from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from tenants import api as tenants_api


def _add_course(title: str, summary: str = ""):
    return courses_api.create_course(title, summary=summary)


def test_course_pages_stay_in_their_locality(town_a, town_b, client_a, client_b):
    with tenants_api.in_locality(town_a):
        _add_course("Presupuestos participativos en Kennedy")
        assert [c.title for c in courses_api.list_catalog()] == [
            "Presupuestos participativos en Kennedy"
        ]
    with tenants_api.in_locality(town_b):
        assert courses_api.list_catalog() == []

    page_a = client_a.get("/")
    page_b = client_b.get("/")
    assert page_a.status_code == 200
    assert "Presupuestos participativos en Kennedy" in page_a.text
    assert page_b.status_code == 200
    assert "Presupuestos participativos en Kennedy" not in page_b.text
    assert "Todavía no hay cursos" in page_b.text
    # The course's own URL does not resolve on the other locality's host.
    assert client_b.get("/presupuestos-participativos-en-kennedy/").status_code == 404
    assert client_a.get("/presupuestos-participativos-en-kennedy/").status_code == 200


def test_search_finds_only_the_active_localitys_content(town_a, town_b):
    with tenants_api.in_locality(town_a):
        _add_course(
            "Veeduría ciudadana", summary="vigilancia de contratos zanahoriaúnica"
        )
        assert [c.title for c in courses_api.search_catalog("zanahoriaúnica")] == [
            "Veeduría ciudadana"
        ]
    with tenants_api.in_locality(town_b):
        assert courses_api.search_catalog("zanahoriaúnica") == []


def test_a_role_in_one_locality_grants_nothing_in_another(
    town_a, town_b, make_person, client_a, client_b
):
    person = make_person()
    with tenants_api.in_locality(town_a):
        roles_api.grant_role(person.pk, Role.LOCALITY_MANAGER)
        from django.contrib.auth.models import Group, Permission

        group = Group.objects.get(name=Role.LOCALITY_MANAGER.value)
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        assert roles_api.roles_of(person.pk) == {Role.LOCALITY_MANAGER}
    with tenants_api.in_locality(town_b):
        assert roles_api.roles_of(person.pk) == set()

    # Wagtail's own permission checks follow the active locality. Sessions are
    # stored per locality too, so each client signs in on its own host.
    with tenants_api.in_locality(town_a):
        client_a.force_login(person)
    with tenants_api.in_locality(town_b):
        client_b.force_login(person)
    assert client_a.get("/admin/").status_code == 200
    denied = client_b.get("/admin/")
    assert denied.status_code == 302
    assert "/admin/login/" in denied["Location"]


def test_media_files_are_stored_and_served_per_locality(
    town_a, town_b, client_a, client_b, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    with tenants_api.in_locality(town_a):
        name = default_storage.save("acta.txt", ContentFile(b"acta de Kennedy"))
        url = default_storage.url(name)
        assert default_storage.exists(name)
    assert (tmp_path / town_a / name).read_bytes() == b"acta de Kennedy"
    assert url == f"/media/{town_a}/{name}"
    with tenants_api.in_locality(town_b):
        assert not default_storage.exists(name)

    settings.DEBUG = True  # the development media view
    from django.urls import clear_url_caches

    clear_url_caches()
    import importlib

    import lms.urls

    importlib.reload(lms.urls)
    try:
        served = client_a.get(url)
        assert served.status_code == 200
        assert b"".join(served.streaming_content) == b"acta de Kennedy"
        assert client_b.get(url).status_code == 404
    finally:
        settings.DEBUG = False
        importlib.reload(lms.urls)
        clear_url_caches()


def test_cache_entries_are_per_locality(town_a, town_b):
    with tenants_api.in_locality(town_a):
        cache.set("cursos-destacados", ["presupuestos"])
        assert cache.get("cursos-destacados") == ["presupuestos"]
    with tenants_api.in_locality(town_b):
        assert cache.get("cursos-destacados") is None


def test_citywide_cache_entries_are_one_for_every_schema(town_a, town_b):
    """A city-wide key (an account, which lives in the public schema) is the
    same entry from every locality, while every other key stays per locality."""
    key = tenants_api.citywide_cache_key("persona:7")
    with tenants_api.in_locality(town_a):
        cache.set(key, "Ana")
        cache.set("persona:7", "solo Kennedy")
    with tenants_api.in_locality(town_b):
        assert cache.get(key) == "Ana"
        assert cache.get("persona:7") is None
        cache.delete(key)
    with tenants_api.in_public_schema():
        assert cache.get(key) is None


def test_unknown_host_gets_a_plain_404_not_another_site(db, client):
    response = client.get("/", HTTP_HOST="atlantida.test")
    assert response.status_code == 404
    assert "Página no encontrada" in response.text
    assert "Kennedy" not in response.text and "Bosa" not in response.text
    assert "Traceback" not in response.text


def test_bare_host_lists_the_localities(db, client):
    response = client.get("/", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert "http://kennedy.test/" in response.text
    assert "http://bosa.test/" in response.text


@pytest.mark.parametrize("path", ["/", "/admin/login/"])
def test_a_request_sets_search_path_once(town_a, client_a, path):
    client_a.get(path)  # warm the host cache, as in a running server
    with CaptureQueriesContext(connection) as queries:
        response = client_a.get(path)
    assert response.status_code == 200
    set_calls = [
        q["sql"] for q in queries if q["sql"].upper().startswith("SET SEARCH_PATH")
    ]
    # The host lookup (remembered) must never add a SET to public. A page that
    # reads the locality's tables sets its path exactly once; the home page of
    # an anonymous visitor may come whole from the cache and read nothing.
    expected = ['SET search_path = "test_kennedy","public"']
    if path == "/" and not queries.captured_queries:
        expected = []
    assert set_calls == expected, set_calls
