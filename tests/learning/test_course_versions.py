"""A new version of a city course, released for real, keeps every learner's progress."""

from __future__ import annotations

from courses import api as courses_api
from courses.models import LessonPage
from lms.learning import api
from tenants import api as tenants_api


def _release(course_key, schema, capture):
    with tenants_api.in_locality("campus"):
        with capture(execute=False):
            release = courses_api.release_course(course_key, schema_names=[schema])
        return courses_api.run_release(release.release_id)


def test_progress_survives_a_new_version_and_the_rule_follows_it(
    campus, town_a, make_person, django_capture_on_commit_callbacks
):
    with tenants_api.in_locality(campus):
        courses_api.create_course("Veedurías", key="veedurias", completion_min_score=60)
        courses_api.add_module("veedurias", "Módulo", key="vm1")
        courses_api.add_lesson("vm1", "Uno", key="v1")
        courses_api.add_lesson("vm1", "Dos", key="v2")
        courses_api.add_lesson("vm1", "Tres", key="v3")
    assert _release("veedurias", town_a, django_capture_on_commit_callbacks).status == (
        "done"
    )
    learner = make_person()
    with tenants_api.in_locality(town_a):
        assert api.get_course_rule_version("veedurias") == 1
        api.record_lesson_view(learner.pk, "veedurias", "v1")
        api.record_lesson_view(learner.pk, "veedurias", "v2")
        assert api.get_course_progress(learner.pk, "veedurias").percent == 66

    with tenants_api.in_locality(campus):
        LessonPage.objects.get(key="v3").delete()
        courses_api.add_lesson("vm1", "Cuatro", key="v4")
    assert _release("veedurias", town_a, django_capture_on_commit_callbacks).status == (
        "done"
    )

    with tenants_api.in_locality(town_a):
        assert api.get_course_rule_version("veedurias") == 2
        progress = api.get_course_progress(learner.pk, "veedurias")
        # v1 and v2 kept; v3 retired (not offered), v4 new.
        assert (progress.lessons_done, progress.lessons_total) == (2, 3)
        assert progress.next_lesson_title == "Cuatro"
        check = api.evaluate_completion(learner.pk, "veedurias")
        assert check.missing == ("Completar 1 lección obligatoria.",)
        api.record_lesson_view(learner.pk, "veedurias", "v4")
        assert api.evaluate_completion(learner.pk, "veedurias").completed_at
        # The retired lesson is not an offered lesson any more.
        assert "v3" not in [o["key"] for o in _rule_lessons("veedurias")]


def _rule_lessons(course_key):
    from lms.learning.models import CourseRule

    return CourseRule.objects.get(course_key=course_key).lessons
