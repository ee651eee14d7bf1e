"""Learner and facilitator pages: lesson views recorded, course progress, «Mi
aprendizaje», QR check-in on a phone, roster and CSV, quiz form."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from courses.models import CoursePage, LessonPage
from lms.learning import api
from lms.learning.models import Attendance
from tenants import api as tenants_api


def _urls(schema):
    with tenants_api.in_locality(schema):
        course = CoursePage.objects.get(key="control").url
        lessons = dict(LessonPage.objects.values_list("key", "url_path"))
        urls = {k: LessonPage.objects.get(key=k).url for k in lessons}
    return course, urls


def test_reading_a_lesson_enrolls_and_the_course_page_says_where_to_continue(
    course, town_a, client_a, make_person
):
    learner = make_person()
    course_url, lessons = _urls(town_a)
    client_a.force_login(learner)

    page = client_a.get(course_url)
    assert page.status_code == 200 and "Inscribirme" in page.text
    assert client_a.get(lessons["cl1"]).status_code == 200
    page = client_a.get(course_url)
    assert "Lleva 33 % del curso (1 de 3 lecciones)." in page.text
    assert f'href="{lessons["cl2"]}">Continuar</a>' in page.text
    assert "Su inscripción en este curso está activa." in page.text

    mine = client_a.get("/aprendizaje/")
    assert mine.status_code == 200
    assert "Control social" in mine.text
    assert "Siguiente: Veedurías ciudadanas" in mine.text


def test_anonymous_visitors_are_not_recorded_and_my_learning_asks_to_sign_in(
    course, town_a, client_a
):
    _, lessons = _urls(town_a)
    assert client_a.get(lessons["cl1"]).status_code == 200
    assert client_a.get("/aprendizaje/").status_code == 302
    with tenants_api.in_locality(town_a):
        from lms.learning.models import LessonProgress

        assert not LessonProgress.objects.exists()


def test_enroll_button_and_enrolling_twice_message(
    course, town_a, client_a, make_person
):
    learner = make_person()
    client_a.force_login(learner)
    first = client_a.post("/aprendizaje/cursos/control/inscribirse/", follow=True)
    assert "su inscripción en el curso quedó hecha" in first.text
    second = client_a.post("/aprendizaje/cursos/control/inscribirse/", follow=True)
    assert "Su inscripción en este curso ya está hecha" in second.text
    assert "no hace falta inscribirse otra vez" in second.text


def test_facilitator_takes_attendance_and_learner_checks_in_by_qr(
    course, town_a, client_a, make_person
):
    facilitator = make_person()
    learner = make_person(first_name="Zoe", last_name="Ríos")
    other = make_person(first_name="Ana", last_name="Gómez")
    with tenants_api.in_locality(town_a):
        cohort = api.create_cohort(
            course,
            "Grupo",
            facilitator_id=facilitator.pk,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + timedelta(days=30),
            capacity=10,
        )
        api.enroll(learner.pk, course, cohort_id=cohort.cohort_id)
        api.enroll(other.pk, course, cohort_id=cohort.cohort_id)
        start = timezone.now()
        session = api.schedule_session(
            cohort.cohort_id,
            "Taller",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
        token = api.qr_token(session.session_id)
    page_url = f"/aprendizaje/sesiones/{session.session_id}/asistencia/"

    client_a.force_login(learner)
    assert client_a.get(page_url).status_code == 404  # not the facilitator
    scan = f"/aprendizaje/asistencia/{token}/"
    assert "Confirmar que estoy en la sesión" in client_a.get(scan).text
    done = client_a.post(scan)
    assert done.status_code == 200 and "Quedó registrada su asistencia" in done.text

    client_a.force_login(facilitator)
    page = client_a.get(page_url)
    assert page.status_code == 200 and "<svg" in page.text
    assert "(1 presente)" in page.text
    # People by name, alphabetically; never an account number.
    assert page.text.index("Ana Gómez") < page.text.index("Zoe Ríos")
    assert "Persona #" not in page.text
    # No self-reload that would throw away ticked boxes: a link asks for a new code.
    assert 'http-equiv="refresh"' not in page.text
    assert f'href="{page_url}#qr">Actualizar el código QR' in page.text
    saved = client_a.post(page_url, {"present": [str(other.pk)]}, follow=True)
    assert "1 asistencia nueva guardada." in saved.text
    assert "(2 presentes)" in saved.text
    with tenants_api.in_locality(town_a):
        assert Attendance.objects.filter(session_id=session.session_id).count() == 2


def test_a_lesson_published_outside_the_api_is_counted_when_opened(
    course, town_a, client_a, make_person
):
    from courses.models import ModulePage

    with tenants_api.in_locality(town_a):
        module = ModulePage.objects.get(key="cm2")
        lesson = LessonPage(title="Publicada en el admin", key="cl9")
        module.add_child(instance=lesson)
        lesson.save_revision().publish()  # no rule sync: the admin path
        url = lesson.url
    learner = make_person()
    client_a.force_login(learner)
    assert client_a.get(url).status_code == 200
    with tenants_api.in_locality(town_a):
        progress = api.get_course_progress(learner.pk, course)
        assert (progress.lessons_done, progress.lessons_total) == (1, 4)


def test_publishing_in_the_admin_updates_the_completion_rule(in_town_a, course):
    from wagtail import hooks

    from courses.wagtail_hooks import sync_learning_rule_after_publish

    assert sync_learning_rule_after_publish in hooks.get_hooks("after_publish_page")
    page = CoursePage.objects.get(key="control")
    page.completion_min_attendance = 75
    page.save_revision().publish()
    sync_learning_rule_after_publish(None, page)
    assert (
        api.evaluate_completion(0, course)
        .missing[-2]
        .startswith(
            "Inscribirse en un grupo con sesiones presenciales y asistir al menos al 75 %"
        )
    )


def test_my_learning_title_is_plain_text_and_links_to_my_certificates(
    course, town_a, client_a, make_person
):
    learner = make_person()
    client_a.force_login(learner)
    client_a.post("/aprendizaje/cursos/control/inscribirse/")
    with tenants_api.in_locality(town_a):
        api.notify(learner.pk, "enrolled", "x1", title="Aviso", body="Cuerpo")
        for lesson in ("cl1", "cl2"):
            api.record_lesson_view(learner.pk, course, lesson)

    page = client_a.get("/aprendizaje/").text

    title = page[page.index("<title>") : page.index("</title>")]
    assert "<" not in title[len("<title>") :] and "Mi aprendizaje" in title
    assert 'href="/certificados/mis-certificados/">Ver certificados' in page
    assert 'href="/certificados/"' not in page


GENDERED = ("inscrita", "inscrito", "bienvenida o", "bienvenido", "el facilitador")


def test_the_learner_journey_speaks_to_everyone_without_assuming_a_gender(
    course, town_a, client_a, make_person
):
    learner, stranger = make_person(), make_person()
    texts = []
    client_a.force_login(learner)
    texts.append(
        client_a.post(f"/aprendizaje/cursos/{course}/inscribirse/", follow=True).text
    )
    texts.append(
        client_a.post(f"/aprendizaje/cursos/{course}/inscribirse/", follow=True).text
    )
    texts.append(client_a.get("/aprendizaje/").text)  # the enrollment notice
    texts.append(
        client_a.post(f"/aprendizaje/cursos/{course}/retirarse/", follow=True).text
    )
    texts.append(
        client_a.post(f"/aprendizaje/cursos/{course}/retirarse/", follow=True).text
    )
    with tenants_api.in_locality(town_a):
        cohort = api.create_cohort(
            course,
            "Grupo",
            facilitator_id=learner.pk,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
            capacity=5,
        )
        start = timezone.now()
        session = api.schedule_session(
            cohort.cohort_id,
            "Taller",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
        token = api.qr_token(session.session_id)
        texts.append(api.evaluate_completion(stranger.pk, course).missing[-1])
    client_a.force_login(stranger)
    texts.append(client_a.post(f"/aprendizaje/asistencia/{token}/").text)
    texts.append(client_a.post("/aprendizaje/asistencia/1.2.3/").text)

    found = [word for text in texts for word in GENDERED if word in text.lower()]
    assert found == []
    assert "no hace parte de «Grupo»" in texts[-2]
