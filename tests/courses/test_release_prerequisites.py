"""A release carries the course's and its modules' prerequisites into the locality:
they are stored there, not only set on the copied page objects in memory."""

from __future__ import annotations

from courses import api, publishing
from courses.models import CoursePage, ModulePage
from tenants import api as tenants_api


def test_prerequisites_of_a_release_are_stored_in_the_locality(in_campus, town_a):
    with tenants_api.in_locality("campus"):
        api.create_course("Curso base", key="base")
        api.create_course("Curso siguiente", key="siguiente")
        first = api.add_module("siguiente", "Primero", key="sig-m1")
        api.add_module("siguiente", "Segundo", key="sig-m2")
        api.add_lesson(first, "Lección", key="sig-l1", body=[("text", "<p>Hola</p>")])
        base = publishing.snapshot_course(CoursePage.objects.get(key="base"))
        course = CoursePage.objects.get(key="siguiente")
        course.prerequisites.set([CoursePage.objects.get(key="base")])
        course.save()
        second = ModulePage.objects.get(key="sig-m2")
        second.prerequisites.set([ModulePage.objects.get(key="sig-m1")])
        second.save()
        following = publishing.snapshot_course(CoursePage.objects.get(key="siguiente"))
    assert following["prerequisites"] == ["base"]

    with tenants_api.in_locality(town_a):
        publishing.apply_snapshot(base)
        publishing.apply_snapshot(following)
        # Fresh reads from the database, not the objects the copy held.
        course = CoursePage.objects.get(key="siguiente")
        second = ModulePage.objects.get(key="sig-m2")
        assert list(course.prerequisites.values_list("key", flat=True)) == ["base"]
        assert list(second.prerequisites.values_list("key", flat=True)) == ["sig-m1"]
