"""The learning records' public door and the promises its modules keep: every name
other apps used stays exported, the one list of personal tables is complete, the
email body from the template reads as before, QR codes are signed per session, and
the data rights are answered by the learning records themselves."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core import mail

from h5p import handlers as h5p_handlers
from lms.accounts import api as accounts_api
from lms.learning import api, personal_data, signals
from lms.learning.models import Notification
from tenants import api as tenants_api

from .test_sessions_and_quizzes import make_cohort, make_session

# Every name ``lms.learning.api`` exported before it was split into topic modules.
EXPORTED_BEFORE = {
    "MAX_BATCH",
    "ActivityStateData",
    "AttendanceImport",
    "CohortData",
    "CompletionCheck",
    "CourseProgress",
    "EnrollmentData",
    "InvalidStatement",
    "LearningError",
    "LessonRef",
    "LrsUnavailable",
    "QuizResult",
    "RecordResult",
    "SessionData",
    "check_in_with_qr",
    "count_quiz_attempts",
    "create_cohort",
    "enroll",
    "erase_learner",
    "evaluate_completion",
    "export_learner",
    "forward_statements",
    "get_activity_state",
    "get_cohort",
    "get_course_progress",
    "get_course_rule_version",
    "get_enrollment",
    "get_quiz",
    "get_session",
    "import_attendance_csv",
    "list_activity_states",
    "list_cohort_roster",
    "list_cohorts",
    "list_my_courses",
    "list_notifications",
    "list_session_attendance",
    "list_sessions",
    "list_upcoming_sessions",
    "qr_token",
    "record_attendance",
    "record_lesson_view",
    "record_statements",
    "reporting_activity_days",
    "reporting_enrollments",
    "save_quiz",
    "save_resume_state",
    "schedule_session",
    "send_daily_notifications",
    "send_notification_email",
    "set_course_rule",
    "submit_quiz",
    "unsubscribe",
    "unsubscribe_token",
    "withdraw",
}


def test_api_exports_every_name_once_and_each_resolves():
    assert EXPORTED_BEFORE <= set(api.__all__)
    assert len(api.__all__) == len(set(api.__all__))  # one topic owns each name
    assert [name for name in api.__all__ if not hasattr(api, name)] == []


def test_personal_tables_list_every_learning_table_with_a_person_id():
    with_person = {
        model
        for model in apps.get_app_config("learning").get_models()
        if any(field.name == "user_id" for field in model._meta.get_fields())
    }
    assert set(personal_data.PERSONAL_TABLES) == with_person


def test_notification_email_body_from_the_template(
    course, make_person, django_capture_on_commit_callbacks
):
    learner = make_person(email="rosa@example.org")
    api.enroll(learner.pk, course)
    [notice] = api.list_notifications(learner.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.send_notification_email(Notification.objects.get().pk)
    [email] = mail.outbox
    unsubscribe = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert email.body == (
        f"{notice['body']}\n\n"
        "Entre aquí: http://kennedy.test/aprendizaje/\n\n"
        "Para no recibir más correos de aprendizaje de esta localidad: "
        f"{unsubscribe}"
    )


@pytest.mark.parametrize(
    "token",
    [
        # The hand-made HMAC format used before TimestampSigner: refused.
        "{session}.1700000000.0123456789abcdef0123456789abcdef",
        "{session}.{other_token}",
    ],
)
def test_qr_codes_of_the_old_format_or_another_session_are_refused(
    token, course, make_person
):
    facilitator, learner = make_person(), make_person()
    cohort = make_cohort(course, facilitator)
    api.enroll(learner.pk, course, cohort_id=cohort.cohort_id)
    mine, other = make_session(cohort), make_session(cohort, days=2)
    other_token = api.qr_token(other.session_id).split(".", 1)[1]
    forged = token.format(session=mine.session_id, other_token=other_token)
    with pytest.raises(api.LearningError, match="no es válido"):
        api.check_in_with_qr(learner.pk, forged)


def test_learning_answers_the_data_rights_without_h5p(course, make_person):
    """The learning records erase and export themselves: with H5P's receivers
    disconnected, the download still lists them and anonymization erases them."""
    learner = make_person()
    api.enroll(learner.pk, course)
    accounts_api.person_anonymized.disconnect(dispatch_uid="h5p.anon")
    signals.activity_titles_requested.disconnect(dispatch_uid="h5p.titles")
    try:
        exported = accounts_api.export_person_data(learner.pk)["localidades"]
        assert "Inscripciones" in exported[tenants_api.current_schema()]
        accounts_api.anonymize_person(learner.pk)
    finally:
        h5p_handlers.connect()
    assert api.export_learner(learner.pk) == {}
