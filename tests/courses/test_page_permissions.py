"""Roles get their page rights on provisioning: trainers at the campus, staff locally."""

from __future__ import annotations

from courses import api
from courses.models import CoursePage
from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from tenants import api as tenants_api


def test_trainer_authors_at_the_campus_but_not_in_a_locality(
    campus, town_a, make_person, client_campus, client_a
):
    trainer = make_person()
    with tenants_api.in_locality(campus):
        roles_api.grant_role(trainer.pk, Role.TRAINER)
        course = api.create_course("Gobierno abierto", key="ga")
        page = CoursePage.objects.get(key=course.key)
        assert page.permissions_for_user(trainer).can_edit()
        assert page.permissions_for_user(trainer).can_publish()
        client_campus.force_login(trainer)
        campus_page_id = page.pk
    assert client_campus.get(f"/admin/pages/{campus_page_id}/edit/").status_code == 200

    # Wagtail caches page permissions on the user object: each request (and each
    # locality) loads the person afresh, as here.
    trainer = type(trainer).objects.get(pk=trainer.pk)
    with tenants_api.in_locality(town_a):
        local = CoursePage.objects.get(key=api.create_course("Local", key="local").key)
        assert not local.permissions_for_user(trainer).can_edit()


def test_locality_manager_authors_local_courses_in_their_locality_only(
    town_a, town_b, make_person
):
    manager = make_person()
    with tenants_api.in_locality(town_a):
        roles_api.grant_role(manager.pk, Role.LOCALITY_MANAGER)
        mine = CoursePage.objects.get(key=api.create_course("Kennedy", key="k").key)
        assert mine.permissions_for_user(manager).can_edit()
        assert mine.permissions_for_user(manager).can_publish()
    manager = type(manager).objects.get(pk=manager.pk)  # fresh, as in a new request
    with tenants_api.in_locality(town_b):
        theirs = CoursePage.objects.get(key=api.create_course("Bosa", key="b").key)
        assert not theirs.permissions_for_user(manager).can_edit()
