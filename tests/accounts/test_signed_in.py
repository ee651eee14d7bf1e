"""The signed-in account row kept in the cache (lms/accounts/signed_in.py):
read once, then dropped on every change that could make it stale."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lms.accounts.signed_in import _key
from tenants import api as tenants_api

PAGE = "/aprendizaje/"


def _sign_in(client: Client, schema: str, person) -> None:
    # Sessions are kept in the locality's schema, as a real sign-in leaves them.
    with tenants_api.in_locality(schema):
        client.force_login(person)


def _account_reads(client: Client) -> tuple[bool, int]:
    with CaptureQueriesContext(connection) as seen:
        response = client.get(PAGE)
    reads = [q for q in seen.captured_queries if '"accounts_user"' in q["sql"]]
    return response.wsgi_request.user.is_authenticated, len(reads)


def test_the_account_row_is_read_once_then_kept(town_a, client_a, make_person):
    _sign_in(client_a, town_a, make_person())
    assert _account_reads(client_a)[0]
    assert _account_reads(client_a) == (True, 0)


def test_a_password_change_still_signs_out_other_sessions(
    town_a, client_a, make_person
):
    person = make_person()
    _sign_in(client_a, town_a, person)
    assert _account_reads(client_a) == (True, 1)
    assert _account_reads(client_a) == (True, 0)  # kept now
    with tenants_api.in_public_schema():
        person = get_user_model().objects.get(pk=person.pk)
        person.set_password("otra-clave-segura-2")
        person.save()
    # The kept row was dropped with the save: the new one's hash no longer
    # matches the session's, which is flushed.
    assert _account_reads(client_a)[0] is False


def test_a_deactivated_account_is_signed_out_at_once(town_a, client_a, make_person):
    person = make_person()
    _sign_in(client_a, town_a, person)
    assert _account_reads(client_a) == (True, 1)
    with tenants_api.in_public_schema():
        person.is_active = False
        person.save(update_fields=["is_active"])
    assert _account_reads(client_a)[0] is False


def test_sign_out_drops_the_kept_row(town_a, client_a, make_person):
    from django.core.cache import cache
    from django.urls import reverse

    person = make_person()
    _sign_in(client_a, town_a, person)
    client_a.get(PAGE)
    assert cache.get(_key(person.pk)) is not None
    client_a.post(reverse("logout"))
    assert cache.get(_key(person.pk)) is None


def test_the_kept_row_serves_every_locality(
    town_a, town_b, client_a, client_b, make_person
):
    person = make_person()
    _sign_in(client_a, town_a, person)
    _sign_in(client_b, town_b, person)
    assert _account_reads(client_a) == (True, 1)
    # Signed in to another locality: the same city-wide entry, no read.
    assert _account_reads(client_b) == (True, 0)
