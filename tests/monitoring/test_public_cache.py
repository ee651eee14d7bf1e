"""The shared cache of the public pages: whole responses (gzip as kept), one
build per change under load, nothing personal kept, each locality its own."""

from __future__ import annotations

import gzip
import re
import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings

from lms.locality_roles.data import Role
from monitoring import public_cache
from monitoring.models import InvestmentProject
from tenants import api as tenants_api

from .conftest import kennedy_project

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WHOLE_PAGES = (
    "/seguimiento/",
    "/seguimiento/?upz=UPZ82",
    "/seguimiento/proyectos/PP-001/",
)
DOWNLOADS = ("/seguimiento/datos/proyectos.csv", "/seguimiento/datos/ocds.json")


# The test settings' cache without REDIS_CACHE_URL (lms/settings/base.py).
IN_MEMORY = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "public-cache-tests",
        "KEY_FUNCTION": "tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "tenants.cache.reverse_key",
    }
}


@pytest.fixture
def in_memory_cache(settings):
    """Tests that read every kept entry (``_kept_values``) need the in-memory
    backend, whatever REDIS_CACHE_URL says: a Redis cache has no such listing.
    The code under test only uses Django's cache API, the same on both.
    Requested first, so the localities are set up on this cache too."""
    settings.CACHES = IN_MEMORY  # the setting_changed signal resets the caches
    cache.clear()
    yield
    cache.clear()


def _kept_values() -> dict[str, bytes]:
    """Every entry of the test cache (LocMemCache, ``in_memory_cache``), as
    stored: pickled, so text and the plain pieces of a page show as their own
    bytes."""
    return dict(cache._cache.items())  # type: ignore[attr-defined]


def _plain(body: bytes) -> str:
    return gzip.decompress(body).decode()


@pytest.mark.parametrize("path", WHOLE_PAGES)
def test_a_kept_page_goes_gzip_with_a_token_of_its_own(
    two_localities, path, django_assert_num_queries
):
    first = Client(HTTP_HOST="kennedy.test", enforce_csrf_checks=True)
    plain = first.get(path)  # builds and keeps the page
    assert "Content-Encoding" not in plain
    second = Client(HTTP_HOST="kennedy.test", enforce_csrf_checks=True)
    with django_assert_num_queries(0):
        packed = second.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = _plain(packed.content)
    assert public_cache.CSRF_PLACEHOLDER not in page
    token = TOKEN.search(page).group(1)
    assert token != TOKEN.search(plain.text).group(1)
    # The same page but for the token.
    assert TOKEN.sub("", page) == TOKEN.sub("", plain.text)
    # And the token is the visitor's own: the language form is taken.
    answer = second.post(
        "/i18n/setlang/",
        {"language": "en", "next": path, "csrfmiddlewaretoken": token},
    )
    assert answer.status_code == 302


def test_after_a_change_the_gzip_page_is_the_new_one(two_localities, town_a, client_a):
    for path in WHOLE_PAGES:
        client_a.get(path, HTTP_ACCEPT_ENCODING="gzip")
    with tenants_api.in_locality(town_a):
        kennedy_project("KEN-0777", name="Biblioteca comunitaria El Tintal")
        park = InvestmentProject.objects.get(code="PP-001")
        park.name = "Parque Kennedy renovado"
        park.save(update_fields=["name"])  # as the admin's edit form
    connection.set_schema_to_public()
    listed = _plain(client_a.get("/seguimiento/", HTTP_ACCEPT_ENCODING="gzip").content)
    assert "Biblioteca comunitaria El Tintal" in listed
    project = client_a.get(
        "/seguimiento/proyectos/PP-001/", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert "Parque Kennedy renovado" in _plain(project.content)
    csv = client_a.get("/seguimiento/datos/proyectos.csv", HTTP_ACCEPT_ENCODING="gzip")
    assert "KEN-0777" in _plain(csv.content)


def test_a_signed_in_staff_members_view_is_never_kept_nor_shown_to_others(
    in_memory_cache, two_localities, staff, make_person
):
    manager = make_person(username="gestora-kennedy", first_name="Marisol")
    signed_in = staff(Role.LOCALITY_MANAGER, person=manager)
    for path in WHOLE_PAGES + DOWNLOADS:
        assert signed_in.get(path, HTTP_ACCEPT_ENCODING="gzip").status_code == 200
    mine = signed_in.get("/seguimiento/").text
    assert "Marisol" in mine and "Salir" in mine
    session = signed_in.cookies["sessionid"].value
    for key, stored in _kept_values().items():
        if ":accounts:signed-in:" in key:
            # The person's own account row, kept for their own next request
            # (lms.accounts.signed_in), never served as a page to anyone.
            continue
        for personal in (b"Marisol", b"gestora-kennedy", b"Salir", session.encode()):
            assert personal not in stored, (key, personal)
    # No whole page was kept from the signed-in visits...
    assert not [key for key in _kept_values() if "-whole:" in key]
    # ...and an anonymous visitor gets (and keeps) one of their own.
    for path in WHOLE_PAGES:
        anonymous = Client(HTTP_HOST="kennedy.test").get(path).text
        assert "Marisol" not in anonymous and "Salir" not in anonymous
    assert [key for key in _kept_values() if "-whole:" in key]
    # Signed in after an anonymous visit kept the page: still their own page.
    assert "Marisol" in signed_in.get("/seguimiento/proyectos/PP-001/").text


def test_each_locality_keeps_its_own_pages_under_its_own_keys(
    in_memory_cache, two_localities, town_a, town_b, client_a, client_b
):
    for _ in range(2):  # the second time from the cache
        kennedy = client_a.get("/seguimiento/proyectos/PP-001/").text
        bosa = client_b.get("/seguimiento/proyectos/PP-001/").text
        assert "Parque Kennedy Patio Bonito" in kennedy
        assert "Huerta comunitaria Bosa Islandia" not in kennedy
        assert "Huerta comunitaria Bosa Islandia" in bosa
        assert "Parque Kennedy Patio Bonito" not in bosa
        assert (
            "Patio Bonito" not in client_b.get("/seguimiento/datos/proyectos.csv").text
        )
    whole = [key for key in _kept_values() if "project-whole:" in key]
    assert {key.split(":", 1)[0] for key in whole} == {town_a, town_b}
    # A change in Kennedy leaves Bosa's kept copies where they were.
    bosa_keys = {key for key in _kept_values() if key.startswith(f"{town_b}:")}
    with tenants_api.in_locality(town_a):
        public_cache.bump()
    connection.set_schema_to_public()
    assert bosa_keys <= set(_kept_values())


def test_after_a_change_one_visitor_builds_and_the_others_wait_for_it():
    builds = []

    def build() -> str:
        builds.append(1)
        time.sleep(0.3)  # a slow page: the others arrive while it is built
        return "la página"

    answers: list[str] = []
    visitors = [
        threading.Thread(
            target=lambda: answers.append(public_cache.kept("slow", (), build))
        )
        for _ in range(12)
    ]
    for visitor in visitors:
        visitor.start()
    for visitor in visitors:
        visitor.join()
    assert answers == ["la página"] * 12
    assert len(builds) == 1


def test_a_failed_build_frees_the_lock():
    def broken() -> str:
        raise RuntimeError("la base de datos no responde")

    with pytest.raises(RuntimeError):
        public_cache.kept("fragile", (), broken)
    assert public_cache.kept("fragile", (), lambda: "bien") == "bien"


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "lms.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
)
def test_with_the_cache_down_each_visitor_builds_without_waiting():
    started = time.monotonic()
    assert public_cache.kept("down", (), lambda: "construida") == "construida"
    assert time.monotonic() - started < public_cache.WAIT_SECONDS / 2
