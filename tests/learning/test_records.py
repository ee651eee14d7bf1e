"""Enrollment, lesson and course progress, completion recorded once."""

from __future__ import annotations

import pytest

from lms.learning import api
from lms.learning.models import CourseCompletion, Enrollment, XapiStatement

from .test_api import statement


def names(events):
    return [name for name, _ in events]


def test_enrolling_twice_is_refused_and_history_is_kept(
    course, make_person, received, django_capture_on_commit_callbacks
):
    learner = make_person()
    with django_capture_on_commit_callbacks(execute=True):
        first = api.enroll(learner.pk, course)
    with pytest.raises(api.LearningError, match="no hace falta inscribirse otra vez"):
        api.enroll(learner.pk, course)
    with django_capture_on_commit_callbacks(execute=True):
        api.withdraw(learner.pk, course)
    with pytest.raises(api.LearningError, match="no hay nada que retirar"):
        api.withdraw(learner.pk, course)
    with django_capture_on_commit_callbacks(execute=True):
        again = api.enroll(learner.pk, course)

    assert again.enrollment_id != first.enrollment_id
    assert list(
        Enrollment.objects.filter(user_id=learner.pk)
        .order_by("pk")
        .values_list("status", flat=True)
    ) == ["withdrawn", "active"]
    assert names(received) == [
        "enrollment_created",
        "enrollment_withdrawn",
        "enrollment_created",
    ]
    created = received[0][1]
    assert created["course_key"] == course and created["cohort_id"] is None
    assert created["user_id"] == learner.pk and created["occurred_at"]
    # Every event is an xAPI statement too.
    verbs = XapiStatement.objects.filter(user_id=learner.pk).values_list(
        "verb", flat=True
    )
    assert sorted(v.rsplit("/", 1)[1] for v in verbs) == [
        "registered",
        "registered",
        "withdrew",
    ]


def test_unknown_course_and_gone_lesson_say_what_to_do(course, make_person):
    learner = make_person()
    with pytest.raises(api.LearningError, match="no se ofrece en esta localidad"):
        api.enroll(learner.pk, "no-existe")
    with pytest.raises(api.LearningError, match="ya no forma parte del curso"):
        api.record_lesson_view(learner.pk, course, "borrada")
    assert not Enrollment.objects.filter(user_id=learner.pk).exists()


def test_progress_per_lesson_module_and_course_and_where_to_continue(
    course, make_person, received, django_capture_on_commit_callbacks
):
    learner = make_person()
    with django_capture_on_commit_callbacks(execute=True):
        api.record_lesson_view(learner.pk, course, "cl1")  # auto-enrolls
        api.record_lesson_view(learner.pk, course, "cl1")  # a second visit
    progress = api.get_course_progress(learner.pk, course)

    assert api.get_enrollment(learner.pk, course).status == "active"
    assert (progress.lessons_done, progress.lessons_total, progress.percent) == (
        1,
        3,
        33,
    )
    assert [(m.key, m.percent) for m in progress.modules] == [("cm1", 50), ("cm2", 0)]
    assert progress.next_lesson_title == "Veedurías ciudadanas"
    assert progress.continue_url.endswith("/veedurias-ciudadanas/")
    # One enrollment, activity once per day, one "experienced" statement.
    assert names(received) == ["enrollment_created", "learner_active"]
    assert (
        XapiStatement.objects.filter(
            user_id=learner.pk, verb__endswith="experienced"
        ).count()
        == 1
    )
    [mine] = api.list_my_courses(learner.pk)
    assert (mine.course_key, mine.percent) == (course, 33)


def test_required_lessons_complete_the_course_exactly_once(
    course, make_person, received, django_capture_on_commit_callbacks
):
    learner = make_person()
    with django_capture_on_commit_callbacks(execute=True):
        api.record_lesson_view(learner.pk, course, "cl1")
        check = api.evaluate_completion(learner.pk, course)
        assert not check.met
        assert check.missing == ("Completar 1 lección obligatoria.",)
        api.record_lesson_view(learner.pk, course, "cl2")  # completes here
        api.record_lesson_view(learner.pk, course, "cl3")
        again = api.evaluate_completion(learner.pk, course)

    assert again.met and not again.newly_completed and again.completed_at
    [done] = CourseCompletion.objects.filter(user_id=learner.pk)
    assert done.rule["required_lesson_keys"] == ["cl1", "cl2"]
    completed = [kw for name, kw in received if name == "course_completed"]
    assert len(completed) == 1
    assert completed[0]["course_key"] == course
    assert completed[0]["course_version"] == done.course_version
    assert completed[0]["completed_at"] == done.completed_at


def test_graded_activities_need_the_minimum_score(
    course, make_person, received, django_capture_on_commit_callbacks
):
    api.set_course_rule(
        course,
        version=1,
        title="Control social",
        url="/control-social/",
        lessons=[api.LessonRef(key="cl1", title="Uno", url="/uno/")],
        graded_activity_keys=["h5p:votar"],
        min_score=70,
    )
    learner = make_person()
    with django_capture_on_commit_callbacks(execute=True):
        api.record_lesson_view(learner.pk, course, "cl1")
        api.record_statements(
            learner.pk,
            [statement("failed", raw=5, max_=10, completion=True)],
            activity_key="h5p:votar",
        )
        low = api.evaluate_completion(learner.pk, course)
        # A better attempt at the same activity completes the course.
        api.record_statements(
            learner.pk,
            [statement("passed", raw=8, max_=10, completion=True)],
            activity_key="h5p:votar",
        )
    assert not low.met
    assert low.missing == (
        "Subir el promedio de las actividades calificadas a 70 % (lleva 50 %).",
    )
    assert [n for n in names(received) if n == "course_completed"] == [
        "course_completed"
    ]
    assert api.evaluate_completion(learner.pk, course).score_percent == 80.0


def test_erasing_a_learner_removes_their_learning_records_here(course, make_person):
    learner, other = make_person(), make_person()
    for person in (learner, other):
        api.record_lesson_view(person.pk, course, "cl1")
        api.record_lesson_view(person.pk, course, "cl2")
    assert CourseCompletion.objects.filter(user_id=learner.pk).exists()

    assert api.erase_learner(learner.pk) > 0
    assert not Enrollment.objects.filter(user_id=learner.pk).exists()
    # The completion stays for the counts, without the person's results.
    [kept] = CourseCompletion.objects.filter(user_id=learner.pk)
    assert kept.rule["score_percent"] is None
    assert not XapiStatement.objects.filter(user_id=learner.pk).exists()
    assert api.list_my_courses(learner.pk) == []
    assert api.get_course_progress(other.pk, course).percent == 66
