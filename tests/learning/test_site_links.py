"""Absolute links to a locality come from one setting, ``LOCALITY_SITE_URL``:
learning emails and certificates agree, port included (``make run`` serves
on :8000, and a link without the port does not open in development)."""

from __future__ import annotations

from django.core import mail

from certificates import api as certificates_api
from lms.learning import api
from lms.learning.models import Notification


def test_emails_and_credentials_keep_the_port(
    course, settings, make_person, django_capture_on_commit_callbacks
):
    settings.LOCALITY_SITE_URL = "http://{domain}:8001"
    learner = make_person(email="ana@example.org")
    api.enroll(learner.pk, course)
    with django_capture_on_commit_callbacks(execute=True):
        for pk in Notification.objects.filter(user_id=learner.pk).values_list(
            "pk", flat=True
        ):
            api.send_notification_email(pk)

    [email] = mail.outbox
    unsubscribe = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("http://kennedy.test:8001/aprendizaje/")
    issuer = certificates_api.issuer_profile_document()  # Kennedy's, kennedy.test
    assert issuer["id"] == "http://kennedy.test:8001/certificados/emisor/"
