"""The course page offers one next step from the learner's state: enroll,
continue, what is missing at 100 % of lessons, or the approved course and its
certificate; and a way to withdraw while enrolled."""

from __future__ import annotations

from courses import api as courses_api
from courses.models import CoursePage, LessonPage
from lms.learning import api
from lms.learning.models import CourseCompletion
from tenants import api as tenants_api

WITHDRAW = 'action="/aprendizaje/cursos/control/retirarse/"'
ENROLL = 'action="/aprendizaje/cursos/control/inscribirse/"'


def _page(client, schema):
    with tenants_api.in_locality(schema):
        url = CoursePage.objects.get(key="control").url
    return client.get(url).text


def test_visitors_may_start_reading_and_are_asked_to_sign_in_to_enroll(
    course, town_a, client_a
):
    page = _page(client_a, town_a)

    assert "Empezar el curso" in page
    assert 'href="/cuenta/ingresar/?next=/control-social/"' in page
    assert ENROLL not in page and WITHDRAW not in page


def test_enroll_then_continue_with_progress_then_withdraw(
    course, town_a, client_a, make_person
):
    client_a.force_login(make_person())
    page = _page(client_a, town_a)
    assert ENROLL in page and ">Inscribirme</button>" in page
    assert WITHDRAW not in page

    client_a.post("/aprendizaje/cursos/control/inscribirse/")
    page = _page(client_a, town_a)
    assert ENROLL not in page and "Empezar el curso" in page
    assert WITHDRAW in page and "Retirarme del curso" in page

    with tenants_api.in_locality(town_a):
        lesson = LessonPage.objects.get(key="cl1")
        next_url = LessonPage.objects.get(key="cl2").url
    client_a.get(lesson.url)
    page = _page(client_a, town_a)
    assert f'href="{next_url}">Continuar</a>' in page
    assert "Siguiente lección: Veedurías ciudadanas" in page
    assert "Lleva 33 % del curso (1 de 3 lecciones)." in page

    left = client_a.post("/aprendizaje/cursos/control/retirarse/", follow=True)
    assert "Se retiró del curso." in left.text
    page = _page(client_a, town_a)
    assert ENROLL in page and WITHDRAW not in page


def test_at_100_percent_of_lessons_the_page_says_what_is_missing_and_records_nothing(
    course, town_a, client_a, make_person
):
    learner = make_person()
    with tenants_api.in_locality(town_a):
        page = CoursePage.objects.get(key="control")
        page.completion_min_attendance = 75
        page.save_revision().publish()
        courses_api.sync_learning_rule(course)
        for lesson in ("cl1", "cl2", "cl3"):
            api.record_lesson_view(learner.pk, course, lesson)
    client_a.force_login(learner)

    page = _page(client_a, town_a)

    assert "Lleva 100 % del curso" in page
    assert "Ya leyó todas las lecciones, pero el curso aún no está aprobado." in page
    assert (
        "Inscribirse en un grupo con sesiones presenciales y asistir al menos "
        "al 75 %." in page
    )
    assert "Empezar el curso" not in page and "Continuar</a>" not in page
    assert WITHDRAW in page
    with tenants_api.in_locality(town_a):
        assert not CourseCompletion.objects.exists()


def test_a_passed_course_says_so_and_links_to_the_certificate(
    course, town_a, client_a, make_person
):
    learner = make_person()
    with tenants_api.in_locality(town_a):
        for lesson in ("cl1", "cl2"):  # the required ones: the rule is met
            api.record_lesson_view(learner.pk, course, lesson)
    client_a.force_login(learner)

    page = _page(client_a, town_a)

    assert "Curso aprobado" in page
    assert 'href="/certificados/mis-certificados/">Ver mi certificado' in page
    assert "Empezar el curso" not in page and ENROLL not in page
    assert WITHDRAW not in page


def test_enrolling_offers_the_open_groups_and_joins_the_chosen_one(
    course, town_a, client_a, make_person
):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    facilitator = make_person()
    with tenants_api.in_locality(town_a):
        ended = api.create_cohort(
            "control", "Grupo de marzo", facilitator_id=facilitator.pk,
            starts_on=today - timedelta(days=60), ends_on=today - timedelta(days=1),
            capacity=10,
        )  # fmt: skip
        full = api.create_cohort(
            "control", "Grupo lleno", facilitator_id=facilitator.pk,
            starts_on=today, ends_on=today + timedelta(days=30), capacity=1,
        )  # fmt: skip
        api.enroll(make_person().pk, "control", cohort_id=full.cohort_id)
        chosen = api.create_cohort(
            "control", "Grupo del salón comunal", facilitator_id=facilitator.pk,
            starts_on=today, ends_on=today + timedelta(days=30), capacity=20,
            place="Salón comunal Timiza",
        )  # fmt: skip
    learner = make_person()
    client_a.force_login(learner)

    page = _page(client_a, town_a)
    assert '<label for="enroll-cohort">Grupo presencial</label>' in page
    assert f'value="{chosen.cohort_id}">Grupo del salón comunal' in page
    assert "Salón comunal Timiza" in page
    # A full group is offered with its waiting list; an ended one is not offered.
    assert "Grupo lleno" in page and "cupo lleno: lista de espera" in page
    assert f'value="{ended.cohort_id}"' not in page

    client_a.post(
        "/aprendizaje/cursos/control/inscribirse/", {"cohort": str(chosen.cohort_id)}
    )
    with tenants_api.in_locality(town_a):
        assert (learner.pk, "active") in api.list_cohort_roster(chosen.cohort_id)
    # Enrolled: the page offers the course, not the groups.
    assert 'id="enroll-cohort"' not in _page(client_a, town_a)


def test_without_open_groups_enrolling_is_one_button(
    course, town_a, client_a, make_person
):
    client_a.force_login(make_person())
    page = _page(client_a, town_a)
    assert ENROLL in page and 'id="enroll-cohort"' not in page


def test_a_group_without_sessions_yet_says_so_and_a_waiting_list_shows_no_group(
    course, town_a, client_a, make_person
):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    with tenants_api.in_locality(town_a):
        cohort = api.create_cohort(
            "control", "Grupo del sábado", facilitator_id=make_person().pk,
            starts_on=today, ends_on=today + timedelta(days=30), capacity=1,
        )  # fmt: skip
        member, waiting = make_person(), make_person()
        api.enroll(member.pk, "control", cohort_id=cohort.cohort_id)
        api.enroll(waiting.pk, "control", cohort_id=cohort.cohort_id)

    client_a.force_login(member)
    page = _page(client_a, town_a)
    assert "Su grupo: Grupo del sábado" in page
    assert "Su grupo aún no tiene sesiones programadas" in page

    client_a.force_login(waiting)
    page = _page(client_a, town_a)
    assert "lista de espera del grupo" in page
    assert "Su grupo:" not in page
