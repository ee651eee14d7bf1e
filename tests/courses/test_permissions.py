"""Locality staff edit their own courses, never a copied city course."""

from __future__ import annotations

import re

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from courses import api
from courses.models import CoursePage, LessonPage
from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from tenants import api as tenants_api
from tests.assertions import assert_refused_by_admin, released


def _locality_editor(person) -> None:
    """Give ``person`` page editing rights over the whole active locality site."""
    roles_api.grant_role(person.pk, Role.LOCALITY_MANAGER)
    group = Group.objects.get(name=Role.LOCALITY_MANAGER.value)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    home = CoursePage.objects.get(key="presupuestos").get_parent()
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=group, page=home, permission=Permission.objects.get(codename=codename)
        )


def test_city_copy_is_read_only_for_locality_staff_local_course_is_theirs(
    city_course, town_a, make_person, client_a, django_capture_on_commit_callbacks
):
    with tenants_api.in_locality("campus"):
        with django_capture_on_commit_callbacks(execute=False):
            release = api.release_course(city_course, schema_names=[town_a])
        api.run_release(release.release_id)
    manager = make_person()
    with tenants_api.in_locality(town_a):
        _locality_editor(manager)
        local = api.create_course("Veeduría en Kennedy", key="veeduria-kennedy")
        city = CoursePage.objects.get(key="presupuestos")
        lesson = LessonPage.objects.get(key="l1")
        manager.refresh_from_db()

        assert not city.permissions_for_user(manager).can_edit()
        assert not city.permissions_for_user(manager).can_delete()
        assert not lesson.permissions_for_user(manager).can_edit()
        local_page = CoursePage.objects.get(key=local.key)
        assert local_page.permissions_for_user(manager).can_edit()
        assert local_page.permissions_for_user(manager).can_publish()
        client_a.force_login(manager)
        city_id, local_id = city.pk, local_page.pk

    denied = client_a.get(f"/admin/pages/{city_id}/edit/")
    assert_refused_by_admin(denied)
    assert client_a.get(f"/admin/pages/{local_id}/edit/").status_code == 200


def test_trainer_releases_from_the_admin_and_follows_progress(
    city_course,
    town_a,
    town_b,
    make_person,
    client_campus,
    django_capture_on_commit_callbacks,
):
    trainer = make_person()
    with tenants_api.in_locality("campus"):
        roles_api.grant_role(trainer.pk, Role.TRAINER)
        group = Group.objects.get(name=Role.TRAINER.value)
        group.permissions.add(
            Permission.objects.get(codename="access_admin"),
            Permission.objects.get(codename="release_course"),
        )
        course_id = CoursePage.objects.get(key=city_course).pk
        client_campus.force_login(trainer)

    form = client_campus.get(f"/admin/cursos/{course_id}/publicar/")
    assert form.status_code == 200
    assert "Todas las localidades" in form.text
    # The screen's title is its level-one heading (what a screen reader jumps to).
    assert re.search(
        r"<h1[^>]*>(?:(?!</h1>).)*Publicar en localidades", form.text, re.S
    )
    refused = client_campus.post(f"/admin/cursos/{course_id}/publicar/", {})
    assert "Marque «Todas las localidades» o elija al menos una." in refused.text

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        posted = client_campus.post(
            f"/admin/cursos/{course_id}/publicar/", {"localities": [town_b]}
        )
    assert posted.status_code == 302
    assert len(released(callbacks)) == 1
    status = client_campus.get(posted["Location"])
    assert "Bosa" in status.text and "En cola" in status.text
    assert re.search(
        r"<h1[^>]*>(?:(?!</h1>).)*Publicación en localidades", status.text, re.S
    )
    with tenants_api.in_locality("campus"):
        [release] = api.list_releases(city_course)
        api.run_release(release.release_id)
    status = client_campus.get(posted["Location"])
    assert "Publicado" in status.text
    assert "1 de 1 localidades listas" in status.text


def test_staff_without_the_release_permission_cannot_release(
    city_course, make_person, client_campus
):
    facilitator = make_person()
    with tenants_api.in_locality("campus"):
        roles_api.grant_role(facilitator.pk, Role.FACILITATOR)
        Group.objects.get(name=Role.FACILITATOR.value).permissions.add(
            Permission.objects.get(codename="access_admin")
        )
        course_id = CoursePage.objects.get(key=city_course).pk
        client_campus.force_login(facilitator)
    response = client_campus.get(f"/admin/cursos/{course_id}/publicar/")
    assert_refused_by_admin(response)


def test_failed_localities_are_retried_alone_from_the_status_screen(
    city_course,
    town_a,
    town_b,
    make_person,
    client_campus,
    django_capture_on_commit_callbacks,
):
    trainer = make_person()
    with tenants_api.in_locality(town_b):  # Bosa's own lesson has a city key
        api.create_course("Curso local de Bosa", key="local-bosa")
        api.add_lesson(api.add_module("local-bosa", "Local", key="bm"), "L", key="l2")
    with tenants_api.in_locality("campus"):
        roles_api.grant_role(trainer.pk, Role.TRAINER)
        Group.objects.get(name=Role.TRAINER.value).permissions.add(
            Permission.objects.get(codename="access_admin"),
            Permission.objects.get(codename="release_course"),
        )
        with django_capture_on_commit_callbacks(execute=False):
            release = api.release_course(city_course, schema_names=[town_a, town_b])
        api.run_release(release.release_id)
        client_campus.force_login(trainer)
    url = f"/admin/cursos/publicaciones/{release.release_id}/"
    page = client_campus.get(url)
    assert "Reintentar las localidades que fallaron" in page.text

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        retried = client_campus.post(url, follow=True)
    assert len(callbacks) == 1  # Bosa only, through the outbox
    assert "1 localidad en cola de nuevo; las demás no se tocan." in retried.text
    with tenants_api.in_locality("campus"):
        states = {
            t.schema_name: t.status for t in api.get_release(release.release_id).targets
        }
    assert states == {town_a: "done", town_b: "pending"}
    again = client_campus.post(url, follow=True)  # still running: refused
    assert "aún está en curso" in again.text

    with tenants_api.in_locality(town_b):
        LessonPage.objects.filter(key="l2").update(key="l2-bosa")
    with tenants_api.in_locality("campus"):
        done = api.run_release(release.release_id)
    assert (done.status, done.done_count) == ("done", 2)
    assert "Reintentar" not in client_campus.get(url).text
