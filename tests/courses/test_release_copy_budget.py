"""One locality's copy of a release: what each copied page costs in queries, and
that the work done once per copy (search entries, references, page cache)
still reaches every page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ReferenceIndex

from courses import api, page_cache, publishing
from courses.models import CoursePage, LessonPage
from tenants import api as tenants_api

# Queries per copied lesson (with a figure), measured on the difference
# between two course sizes, so what is paid once per copy does not count.
# Before the copy was batched (ADR 0052) a new lesson cost about 40 (search
# entry and its title norms, references, tree lock and count, unique and
# foreign-key checks, each per page); 15.5 after. Their coming back fails here.
PER_NEW_LESSON = 17
PER_UPDATED_LESSON = 16
# Everything for the small course (2 modules x 2 lessons), media and rule included.
SMALL_COPY = 120


def _campus_course(key: str, modules: int, lessons: int, image_pk: int) -> dict:
    with tenants_api.in_locality("campus"):
        api.create_course(f"Curso {key}", key=key)
        for m in range(modules):
            module = api.add_module(key, f"Módulo {m + 1}", key=f"{key}-m{m}")
            for n in range(lessons):
                api.add_lesson(
                    module,
                    f"Lección {m + 1}.{n + 1}",
                    key=f"{key}-m{m}-l{n}",
                    body=[
                        ("text", f"<p>Veeduría ciudadana {key} {m} {n}.</p>"),
                        ("figure", {"image": image_pk, "alt_text": "Mapa"}),
                    ],
                )
        return publishing.snapshot_course(CoursePage.objects.get(key=key))


def _copy(schema: str, snapshot: dict) -> int:
    with tenants_api.in_locality(schema):
        with CaptureQueriesContext(connection) as queries:
            publishing.apply_snapshot(snapshot)
    return len(queries)


@pytest.fixture
def campus_image(in_campus, settings, tmp_path):
    from .conftest import make_image

    settings.MEDIA_ROOT = tmp_path
    return make_image().pk


def test_a_copied_lesson_costs_a_fixed_few_queries(campus_image, town_a):
    small = _campus_course("pequeno", 2, 2, campus_image)
    large = _campus_course("grande", 2, 8, campus_image)

    created = (_copy(town_a, large) - _copy(town_a, small)) / 12
    small["version"] = large["version"] = 2
    updated = (_copy(town_a, large) - _copy(town_a, small)) / 12

    figures = f"{created:.1f} por lección nueva, {updated:.1f} por actualizada"
    assert created <= PER_NEW_LESSON, figures
    assert updated <= PER_UPDATED_LESSON, figures
    small["version"] = 3
    assert _copy(town_a, small) <= SMALL_COPY


def test_pages_of_a_batched_copy_are_searchable_referenced_and_served_fresh(
    campus_image, town_a
):
    snapshot = _campus_course("veeduria", 2, 3, campus_image)
    with tenants_api.in_locality(town_a):
        before = page_cache.generation()
    _copy(town_a, snapshot)

    with tenants_api.in_locality(town_a):
        # The page cache was dropped (once) for the new pages.
        assert page_cache.generation() != before
        found = LessonPage.objects.live().search("veeduria")
        assert sorted(p.key for p in found) == sorted(
            f"veeduria-m{m}-l{n}" for m in range(2) for n in range(3)
        )
        lesson = LessonPage.objects.get(key="veeduria-m1-l2")
        # Its figure's image (this locality's copy) knows where it is used.
        image_pk = lesson.body[1].value["image"].pk
        assert (
            ReferenceIndex.get_references_for_object(lesson)
            .filter(to_object_id=str(image_pk))
            .exists()
        )
        # An edit outside a release is indexed at once, as Wagtail does.
        lesson.title = "Rendición de cuentas"
        lesson.save()
        assert [p.key for p in LessonPage.objects.search("rendicion")] == [
            "veeduria-m1-l2"
        ]
        # And a deleted page leaves the index.
        lesson.delete()
        assert list(LessonPage.objects.search("rendicion")) == []
