"""Notifications: made once, emailed in Spanish with an unsubscribe link that is
honoured; reminders the day before and nudges after 14 idle days."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core import mail
from django.utils import timezone

from lms.learning import api
from lms.learning.models import ActiveDay, Notification


def _emails_for(user_id, capture):
    with capture(execute=True):
        return [
            api.send_notification_email(pk)
            for pk in Notification.objects.filter(user_id=user_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        ]


def test_enrollment_email_has_an_unsubscribe_link_that_is_honoured(
    course, town_a, client_a, make_person, django_capture_on_commit_callbacks
):
    learner = make_person(email="lucia@example.org")
    api.enroll(learner.pk, course)
    assert _emails_for(learner.pk, django_capture_on_commit_callbacks) == [True]
    assert _emails_for(learner.pk, django_capture_on_commit_callbacks) == [
        False
    ]  # never twice
    [email] = mail.outbox
    assert email.to == ["lucia@example.org"]
    assert email.subject.startswith("Inscripción confirmada: Control social")
    link = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in email.body and link.startswith("http://kennedy.test/aprendizaje/")

    path = link.removeprefix("http://kennedy.test")
    assert "Sí, no enviarme más correos" in client_a.get(path).text
    assert "no le enviaremos más correos" in client_a.post(path).text
    assert client_a.post(path[:-5] + "xxxx/").status_code == 400

    api.withdraw(learner.pk, course)
    api.enroll(learner.pk, course)
    assert Notification.objects.filter(user_id=learner.pk).count() == 2
    assert _emails_for(learner.pk, django_capture_on_commit_callbacks) == [
        False,
        False,
    ]  # opted out: site only
    assert len(mail.outbox) == 1


def test_reminders_the_day_before_and_nudges_after_14_idle_days(course, make_person):
    learner, idle, facilitator = make_person(), make_person(), make_person()
    cohort = api.create_cohort(
        course,
        "Grupo",
        facilitator_id=facilitator.pk,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        capacity=10,
    )
    api.enroll(learner.pk, course, cohort_id=cohort.cohort_id)
    today = date(2026, 11, 24)
    start = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.get_current_timezone())
    api.schedule_session(
        cohort.cohort_id,
        "Taller de veeduría",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Biblioteca",
    )
    api.enroll(idle.pk, course)
    ActiveDay.objects.create(user_id=idle.pk, course_key=course, day=date(2026, 11, 9))
    ActiveDay.objects.create(
        user_id=learner.pk, course_key=course, day=date(2026, 11, 20)
    )

    assert api.send_daily_notifications(today=today) == (1, 1)
    assert api.send_daily_notifications(today=today) == (0, 0)  # once
    reminder = Notification.objects.get(kind="reminder")
    assert reminder.user_id == learner.pk
    assert reminder.body == (
        "Le recordamos la sesión presencial «Taller de veeduría» de Grupo, "
        "mañana a las 09:00 en Biblioteca."
    )
    nudge = Notification.objects.get(kind="nudge")
    assert nudge.user_id == idle.pk
    assert nudge.body.startswith("Hace 15 días no avanza en «Control social»")
