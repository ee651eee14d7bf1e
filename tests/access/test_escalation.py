"""The hole that opened this work, reproduced step by step, now refused."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from wagtail.models import ModelLogEntry

from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from tenants import api as tenants_api

from .conftest import SCHEMAS


def _refused(response) -> bool:
    """Wagtail answers a refusal in the admin with a redirect to its home."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


NEW_PERSON = {
    "first_name": "Intruso",
    "last_name": "Nuevo",
    "email": "intruso@example.org",
    "document_type": "CC",
    "document_number": "1055555555",
    "residence": "test_kennedy",
    "birth_date": "1990-01-01",
    # What Wagtail's own form would have taken: the platform flags and a password.
    "is_superuser": "on",
    "is_staff": "on",
    "username": "intruso",
    "password1": "una-clave-larga-77",
    "password2": "una-clave-larga-77",
}


def test_a_facilitator_cannot_create_a_platform_administrator(city):
    client = city.client("facilitator", "K")
    form = client.get("/admin/users/new/").text
    assert 'name="is_superuser"' not in form and 'name="password1"' not in form
    created = client.post("/admin/users/new/", NEW_PERSON)
    assert created.status_code == 302
    person = get_user_model().objects.get(email="intruso@example.org")
    assert not person.is_superuser and not person.is_staff
    assert not person.has_usable_password()  # activates through the reset mail
    assert person.registered_in == SCHEMAS["K"]
    # ...and the account administers nothing: not Bosa, not the city dashboard.
    person.set_password("una-clave-larga-77")
    person.save()
    city.people["intruder"] = person
    for site, path in (("B", "/admin/"), ("C", "/tablero/"), ("C", "/admin/users/")):
        response = city.client("intruder", site).get(path)
        assert response.status_code in (302, 403), (site, path, response.status_code)


def test_roles_on_the_create_form_are_only_those_the_actor_may_grant(city):
    manager = city.client("locality_manager", "K")
    form = manager.get("/admin/users/new/").text
    assert Role.FACILITATOR.value in form
    assert Role.ADMINISTRATOR.value not in form and "Administrador" not in form
    refused = manager.post(
        "/admin/users/new/", {**NEW_PERSON, "roles": [Role.LOCALITY_MANAGER.value]}
    )
    assert refused.status_code == 200  # the form again, with its error
    assert not get_user_model().objects.filter(email="intruso@example.org").exists()


def test_a_manager_cannot_grant_above_itself_or_touch_its_superiors(city):
    manager = city.client("locality_manager", "K")
    learner = city.kennedy_learner.pk
    manager.post(f"/admin/users/edit/{learner}/", {"roles": [Role.ADMINISTRATOR.value]})
    manager.post(
        f"/admin/users/edit/{learner}/", {"roles": [Role.LOCALITY_MANAGER.value]}
    )
    with tenants_api.in_locality(SCHEMAS["K"]):
        assert roles_api.roles_of(learner) == set()
    boss = city.people["locality_admin"].pk
    assert _refused(manager.get(f"/admin/users/edit/{boss}/"))
    assert (
        manager.get(
            f"/admin/users/edit/{city.people['platform_admin'].pk}/"
        ).status_code
        == 404
    )
    own = city.people["locality_manager"].pk
    assert _refused(manager.get(f"/admin/users/edit/{own}/"))


def test_wagtail_bulk_actions_on_people_are_the_platform_administrators(city):
    for role in ("facilitator", "locality_manager", "locality_admin"):
        client = city.client(role, "K")
        for action in ("assign_role", "set_active_state", "delete"):
            url = f"/admin/bulk/accounts/user/{action}/?id={city.bosa_learner.pk}"
            assert _refused(client.get(url)), (role, action)
            assert _refused(client.post(url, {})), (role, action)


def test_finding_by_full_document_is_logged_and_partial_numbers_find_nobody(city):
    client = city.client("facilitator", "K")
    found = client.get("/admin/users/", {"q": "1.012.345.678"}).text
    assert "Kelly" in found
    with tenants_api.in_locality(SCHEMAS["K"]):
        entry = ModelLogEntry.objects.get(action="people.document_search")
        assert entry.user_id == city.people["facilitator"].pk
        assert entry.data["found"] == [city.kennedy_learner.pk]
        assert "1012345678" not in str(entry.data)  # the log keeps it masked
    assert "Kelly" not in client.get("/admin/users/", {"q": "12345"}).text
    # A Bosa person is not found from Kennedy, even by the exact number.
    assert "Bruno" not in client.get("/admin/users/", {"q": "1098765432"}).text


def test_the_full_document_is_shown_only_on_request_and_logged(city):
    manager = city.client("locality_manager", "K")
    url = f"/admin/users/documento/{city.kennedy_learner.pk}/"
    before = manager.get(url).text
    assert "1012345678" not in before and "••••5678" in before
    shown = manager.post(url).text
    assert "CC 1012345678" in shown
    with tenants_api.in_locality(SCHEMAS["K"]):
        entry = ModelLogEntry.objects.get(action="people.view_document")
        assert entry.user_id == city.people["locality_manager"].pk
        assert entry.object_id == str(city.kennedy_learner.pk)
