"""«Agregar personas»: a facilitator fills a group by name or document number.

Found with the people screens' rules (this site's people only, documents masked,
a full number is an exact and logged match); adding enrolls in the group's
course with the group.
"""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses import api as courses_api
from lms.learning import api as learning_api
from lms.locality_roles import api as roles_api
from tenants import api as tenants_api

from .conftest import SCHEMAS


def _url(city):
    return f"/admin/grupos/{city.cohort_id}/personas/"


def _in_kennedy(fn, *args, **kwargs):
    with tenants_api.in_locality(SCHEMAS["K"]):
        return fn(*args, **kwargs)


def _local_person(make_person, **fields):
    """Someone who registered on Kennedy's site (so its staff see them)."""
    return make_person(registered_in=SCHEMAS["K"], **fields)


def test_names_are_found_without_accents_and_documents_stay_masked(city, make_person):
    jose = _local_person(
        make_person,
        first_name="José",
        last_name="Pérez Muñoz",
        document_type="CC",
        document_number="52123456",
    )
    page = city.client("facilitator", "K").get(_url(city), {"q": "jose perez"})
    assert page.status_code == 200
    assert "José Pérez Muñoz" in page.text
    assert "CC ••••3456" in page.text and "52123456" not in page.text
    assert f'name="person" value="{jose.pk}"' in page.text
    # Kelly is already in the group: listed as such, with no button to add her.
    kelly = city.client("facilitator", "K").get(_url(city), {"q": "kelly"}).text
    assert "Ya está en el grupo" in kelly
    assert f'value="{city.kennedy_learner.pk}"' not in kelly


def test_a_document_finds_only_by_the_full_number_and_is_logged(city):
    client = city.client("facilitator", "K")
    # The full number, written as people write it, finds exactly one person.
    assert "Kelly" in client.get(_url(city), {"q": "CC 1.012.345.678"}).text
    entry = _in_kennedy(ModelLogEntry.objects.get, action="people.document_search")
    assert entry.data["found"] == [city.kennedy_learner.pk]
    assert "1012345678" not in str(entry.data)
    # (Kelly is listed below as a member, so look at the search's own answer.)
    assert "Nadie coincide" in client.get(_url(city), {"q": "1012345"}).text
    # Bosa's learner is not this site's: not by name, not by the exact number.
    for query in ("Bruno", "1098765432"):
        page = client.get(_url(city), {"q": query}).text
        assert "Nadie coincide" in page and "Bruno Bosa" not in page


def test_adding_enrolls_in_the_course_with_the_group(city, make_person):
    ana = _local_person(make_person, first_name="Ana", last_name="Rojas")
    client = city.client("facilitator", "K")
    response = client.post(_url(city), {"person": ana.pk, "q": "ana"})
    assert response.status_code == 302 and response["Location"].endswith("?q=ana")
    enrollment = _in_kennedy(learning_api.get_enrollment, ana.pk, "control")
    assert (enrollment.cohort_id, enrollment.status) == (city.cohort_id, "active")
    after = client.get(response["Location"]).text
    assert "Ana Rojas quedó en el grupo «Grupo sábado»." in after
    # Twice is refused with a message, and nothing changes.
    again = client.post(_url(city), {"person": ana.pk}, follow=True).text
    assert "ya está en este grupo" in again


def test_nobody_outside_the_sites_people_can_be_added(city):
    client = city.client("facilitator", "K")
    page = client.post(_url(city), {"person": city.bosa_learner.pk}, follow=True)
    assert "No encontramos a esa persona" in page.text
    assert (
        _in_kennedy(learning_api.get_enrollment, city.bosa_learner.pk, "control")
        is None
    )


def test_a_self_enrolled_learner_moves_into_the_group_keeping_the_enrollment(
    city, make_person
):
    lucia = make_person(first_name="Lucía", last_name="Suárez")
    solo = _in_kennedy(learning_api.enroll, lucia.pk, "control")
    client = city.client("facilitator", "K")
    assert "Lucía Suárez" in client.get(_url(city), {"q": "lucia"}).text
    client.post(_url(city), {"person": lucia.pk})
    moved = _in_kennedy(learning_api.get_enrollment, lucia.pk, "control")
    assert (moved.enrollment_id, moved.cohort_id) == (
        solo.enrollment_id,
        city.cohort_id,
    )


def test_another_group_of_the_course_and_a_full_group_are_explained(city, make_person):
    today = timezone.localdate()
    other = _in_kennedy(
        courses_api.open_cohort,
        "control",
        "Grupo martes",
        facilitator_id=city.people["facilitator"].pk,
        starts_on=today,
        ends_on=today + timedelta(days=30),
        capacity=1,
    )
    marta, pablo = (
        _local_person(make_person, first_name=name, last_name="Gil")
        for name in ("Marta", "Pablo")
    )
    _in_kennedy(learning_api.enroll, marta.pk, "control", cohort_id=other.cohort_id)
    client = city.client("facilitator", "K")
    refused = client.post(_url(city), {"person": marta.pk}, follow=True).text
    assert "ya está en otro grupo de este curso («Grupo martes»)" in refused
    # The one-place group is full: a new person goes to its waiting list.
    full_url = f"/admin/grupos/{other.cohort_id}/personas/"
    waiting = client.post(full_url, {"person": pablo.pk}, follow=True).text
    assert "Pablo Gil quedó en la lista de espera" in waiting
    assert _in_kennedy(learning_api.get_enrollment, pablo.pk, "control").status == (
        "waiting"
    )


def test_only_the_groups_facilitator_opens_it(city, make_person):
    colleague = make_person(first_name="Otra", last_name="Facilitadora")
    _in_kennedy(roles_api.grant_role, colleague.pk, roles_api.Role.FACILITATOR)
    client = Client(HTTP_HOST="kennedy.test")
    client.force_login(colleague)
    # Wagtail answers a refusal in the admin with a redirect to its home.
    for response in (
        client.get(_url(city)),
        client.post(_url(city), {"person": colleague.pk}),
    ):
        assert (response.status_code, response.get("Location")) == (302, "/admin/")
    assert _in_kennedy(learning_api.get_enrollment, colleague.pk, "control") is None
