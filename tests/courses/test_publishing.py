"""A campus course reaches localities; new versions keep identity; failures are safe."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from wagtail.images import get_image_model
from wagtail.models import Site

from courses import api
from courses.models import CoursePage, LessonPage
from tenants import api as tenants_api
from tenants.models import TaskOutbox
from tests.assertions import released


def _release(course_key, schemas, capture):
    with tenants_api.in_locality("campus"):
        with capture(execute=False) as callbacks:
            release = api.release_course(course_key, schema_names=schemas)
        # One copy task per locality, in the outbox with the release, sent
        # after commit only.
        assert len(released(callbacks)) == len(schemas)
        assert sorted(
            TaskOutbox.objects.filter(
                task_name="courses.copy_release_target",
                args__0=release.release_id,
            ).values_list("args", flat=True)
        ) == sorted([release.release_id, s] for s in schemas)
        return api.run_release(release.release_id)


def test_release_copies_course_modules_lessons_and_media_to_two_localities(
    city_course, town_a, town_b, client_a, client_b, django_capture_on_commit_callbacks
):
    done = _release(city_course, [town_a, town_b], django_capture_on_commit_callbacks)

    assert done.status == "done"
    assert [t.status for t in done.targets] == ["done", "done"]
    assert "3 lecciones nuevas" in done.targets[0].message
    for schema in (town_a, town_b):
        with tenants_api.in_locality(schema):
            [course] = api.list_catalog()
            assert (course.key, course.version, course.is_city_copy) == (
                "presupuestos",
                1,
                True,
            )
            syllabus = api.get_syllabus("presupuestos")
            assert [m.key for m in syllabus.modules] == ["m1", "m2"]
            assert [lesson.key for lesson in syllabus.lessons] == ["l1", "l2", "l3"]
            # The image now belongs to this locality's own library and folder.
            lesson = LessonPage.objects.get(key="l1")
            image = get_image_model().objects.get(pk=lesson.body[1].value["image"].pk)
            assert Path(image.file.path).parts[-3] == schema
            assert Path(image.file.path).exists()
    page = client_a.get("/presupuestos-participativos/")
    assert page.status_code == 200
    assert "Cómo votar los proyectos" in page.text
    lesson = client_b.get(
        "/presupuestos-participativos/las-cinco-lineas-de-inversion/qué-son-los-fondos-de-desarrollo-local/"
    )
    # Page URLs are ASCII (WAGTAIL_ALLOW_UNICODE_SLUGS = False): the accented
    # path does not exist; the real one is read from the page below.
    assert lesson.status_code == 404
    with tenants_api.in_locality(town_b):
        url = LessonPage.objects.get(key="l1").url
    connection.set_schema_to_public()
    lesson = client_b.get(url)
    assert lesson.status_code == 200
    assert "Lección 1 de 3" in lesson.text
    assert "Economía local e infraestructura" in lesson.text  # the "next" link


def test_a_new_version_updates_in_place_and_retires_removed_lessons(
    city_course, town_a, django_capture_on_commit_callbacks
):
    _release(city_course, [town_a], django_capture_on_commit_callbacks)
    with tenants_api.in_locality(town_a):
        ids_v1 = dict(LessonPage.objects.values_list("key", "pk"))

    with tenants_api.in_locality("campus"):
        LessonPage.objects.get(key="l2").delete()
        lesson = LessonPage.objects.get(key="l3")
        lesson.title = "Cómo votar los proyectos (actualizada)"
        lesson.save_revision().publish()
        api.add_lesson("m2", "Veeduría del contrato", key="l4")
    done = _release(city_course, [town_a], django_capture_on_commit_callbacks)

    assert done.version == 2
    assert "1 retiradas (l2)" in done.targets[0].message
    with tenants_api.in_locality(town_a):
        assert CoursePage.objects.get(key="presupuestos").version == 2
        ids_v2 = dict(LessonPage.objects.values_list("key", "pk"))
        # Same pages (and so the same keys progress hangs on), one added.
        assert {k: ids_v2[k] for k in ids_v1} == ids_v1
        assert [lesson.key for lesson in api.get_syllabus("presupuestos").lessons] == [
            "l1",
            "l3",
            "l4",
        ]
        assert LessonPage.objects.get(key="l3").title.endswith("(actualizada)")
        retired = LessonPage.objects.get(key="l2")
        assert retired.is_retired and retired.live


def test_retired_lesson_tells_the_learner_instead_of_vanishing(
    city_course, town_a, client_a, django_capture_on_commit_callbacks
):
    _release(city_course, [town_a], django_capture_on_commit_callbacks)
    with tenants_api.in_locality("campus"):
        LessonPage.objects.get(key="l2").delete()
    _release(city_course, [town_a], django_capture_on_commit_callbacks)
    with tenants_api.in_locality(town_a):
        url = LessonPage.objects.get(key="l2").url
    page = client_a.get(url)
    assert page.status_code == 200
    assert "fue retirada en una nueva versión" in page.text


def test_a_failed_copy_leaves_the_previous_version_serving(
    city_course, town_a, town_b, django_capture_on_commit_callbacks
):
    _release(city_course, [town_a, town_b], django_capture_on_commit_callbacks)
    with tenants_api.in_locality("campus"):
        api.add_lesson("m2", "Lección nueva", key="l9")
    # Bosa has a course of its own under the lesson key the new version adds.
    with tenants_api.in_locality(town_b):
        api.create_course("Curso local de Bosa", key="local-bosa")
        module = api.add_module("local-bosa", "Módulo local", key="bosa-m")
        api.add_lesson(module, "Lección local", key="l9")
        CoursePage.objects.filter(key="presupuestos").update(title="Presupuestos (v1)")

    done = _release(city_course, [town_a, town_b], django_capture_on_commit_callbacks)

    by_schema = {t.schema_name: t for t in done.targets}
    assert done.status == "failed"
    assert by_schema[town_a].status == "done"
    assert by_schema[town_b].status == "failed"
    assert by_schema[town_b].message.startswith("No se pudo copiar")
    with tenants_api.in_locality(town_b):
        course = CoursePage.objects.get(key="presupuestos")
        assert (course.version, course.title) == (1, "Presupuestos (v1)")
        assert [lesson.key for lesson in api.get_syllabus("presupuestos").lessons] == [
            "l1",
            "l2",
            "l3",
        ]
        assert LessonPage.objects.get(key="l9").title == "Lección local"


def test_a_local_course_with_the_same_key_is_not_overwritten(
    city_course, town_a, django_capture_on_commit_callbacks
):
    with tenants_api.in_locality(town_a):
        api.create_course("Presupuestos en Kennedy", key="presupuestos")
    done = _release(city_course, [town_a], django_capture_on_commit_callbacks)
    assert done.targets[0].status == "failed"
    assert (
        "ya tiene un curso propio con la clave «presupuestos»"
        in done.targets[0].message
    )
    with tenants_api.in_locality(town_a):
        course = CoursePage.objects.get(key="presupuestos")
        assert course.title == "Presupuestos en Kennedy" and not course.is_city_copy


def test_a_locality_still_being_set_up_is_reported_not_half_copied(
    city_course, town_a, django_capture_on_commit_callbacks
):
    with tenants_api.in_locality(town_a):
        Site.objects.all().delete()
    done = _release(city_course, [town_a], django_capture_on_commit_callbacks)
    assert done.targets[0].status == "failed"
    assert "aún se está creando" in done.targets[0].message
    with tenants_api.in_locality(town_a):
        assert not CoursePage.objects.exists()


def test_publishing_twice_at_once_is_refused(city_course, town_a):
    with tenants_api.in_locality("campus"):
        first = api.release_course(city_course, schema_names=[town_a])
        with pytest.raises(api.CourseError, match="Ya hay una publicación en curso"):
            api.release_course(city_course, schema_names=[town_a])
    assert first.version == 1


def test_only_the_campus_releases_and_only_to_known_localities(city_course, town_a):
    with (
        tenants_api.in_locality(town_a),
        pytest.raises(api.CourseError, match="Solo el campus"),
    ):
        api.release_course(city_course)
    with (
        tenants_api.in_locality("campus"),
        pytest.raises(api.CourseError, match="desconocidas: atlantida"),
    ):
        api.release_course(city_course, schema_names=["atlantida"])


def test_a_hidden_city_course_stays_hidden_in_the_next_version(
    city_course, town_a, django_capture_on_commit_callbacks
):
    _release(city_course, [town_a], django_capture_on_commit_callbacks)
    with tenants_api.in_locality(town_a):
        api.hide_city_course("presupuestos")
        assert api.list_catalog() == []
    _release(city_course, [town_a], django_capture_on_commit_callbacks)
    with tenants_api.in_locality(town_a):
        assert api.list_catalog() == []
        api.show_city_course("presupuestos")
        assert [c.key for c in api.list_catalog()] == ["presupuestos"]


def test_learning_paths_follow_their_courses_to_the_localities(
    city_course, town_a, client_a, django_capture_on_commit_callbacks
):
    with tenants_api.in_locality("campus"):
        api.create_course("Gobierno abierto", key="ga")
        api.create_learning_path(
            "Ruta: participación informada",
            key="ruta",
            course_keys=["presupuestos", "ga"],
        )
    _release(city_course, [town_a], django_capture_on_commit_callbacks)
    with tenants_api.in_locality(town_a):
        # Only the course the locality has is linked; the path is a city copy.
        assert api.list_learning_paths() == [
            ("ruta", "Ruta: participación informada", ["presupuestos"])
        ]
    page = client_a.get("/ruta-participacion-informada/")
    assert page.status_code == 200
    assert "Presupuestos participativos" in page.text
    _release("ga", [town_a], django_capture_on_commit_callbacks)
    with tenants_api.in_locality(town_a):
        assert api.list_learning_paths()[0][2] == ["presupuestos", "ga"]
