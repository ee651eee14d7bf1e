"""Role events and eligibility recomputes made while the broker is down wait in
the task outbox; with the broker back, a real worker carries each out once.

During the outage (this process publishes to a closed port) two certificates
are issued, one person is selected and a role's rules change: every step
succeeds for the person doing it, and its task (a recompute per certificate,
the webhook's sending and the role credential for the selection, the role's
set-based recompute) waits in the outbox. Then a worker starts and the relay
sends them: the platform receives the selection once, one role credential is
issued, the standings are stored. Sending the same tasks again (the outbox
delivers at least once) changes nothing.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from certificates import api as certificates_api
from courses import api as courses_api
from deploy import local_s3
from lms.celery import app
from participation import api
from tenants import api as tenants_api
from tenants.models import TaskOutbox
from tenants.outbox import relay_pending

from ..workers import start_worker, stop_worker, wait_for, worker_env
from .platform import receiving

pytestmark = pytest.mark.worker

TOWN = "test_kennedy"
SECRET = "secreto-del-apagon"
OURS = (
    "participation.recompute_eligibility",
    "participation.deliver_webhook",
    "participation.issue_role_credential",
    "participation.recompute_role",
)


@contextmanager
def broker_at(url: str):
    """Point this process's Celery app at ``url`` (its pools made anew)."""
    previous = app.conf.broker_url, app.conf.broker_write_url
    app.conf.broker_url = app.conf.broker_write_url = url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.broker_write_url = previous
        app._pool = None
        app.amqp._producer_pool = None


@pytest.fixture
def committed_role(django_db_setup, django_db_blocker):
    """A first-come role in Kennedy asking for a course; two people with no
    certificate yet (committed: the worker reads them)."""
    key = f"apagon-rol-{uuid.uuid4().hex[:6]}"
    today = timezone.localdate()
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"].startswith("test_")
        with tenants_api.in_locality("campus"):
            api.save_role_template(
                key,
                kind=api.RoleKind.CITIZEN_MONITOR,
                title="Veedor/a ciudadano/a",
                required_courses=[key],
                requires_residence=False,
                selection_mode=api.SelectionMode.FIRST_COME,
            )
        with tenants_api.in_locality(TOWN):
            courses_api.create_course("Control social sin broker", key=key)
            cycle = api.create_cycle(
                "Veedurías 2027",
                applications_open=today - timedelta(days=1),
                applications_close=today + timedelta(days=10),
                service_starts=today + timedelta(days=30),
                service_ends=today + timedelta(days=400),
            )
            role = api.open_role(cycle.cycle_id, key, seats=1)
        with tenants_api.in_public_schema():
            people = [
                get_user_model().objects.create_user(
                    username=f"{key}-{n}",
                    email=f"{key}-{n}@example.org",
                    birth_date=date(1990, 1, 1),
                )
                for n in range(2)
            ]
        connection.set_schema_to_public()
    yield key, role, people
    with django_db_blocker.unblock():
        ids = [p.pk for p in people]
        with tenants_api.in_locality(TOWN):
            for label in (
                "participation.WebhookDelivery",
                "participation.EligibilityRecord",
                "certificates.RoleCredential",
                "participation.Application",
                "certificates.Certificate",
                "learning.Notification",
            ):
                model = apps.get_model(label)
                if label == "participation.WebhookDelivery":
                    model.objects.filter(payload__rol__id=role.role_id).delete()
                else:
                    model.objects.filter(user_id__in=ids).delete()
            apps.get_model("participation", "CivicRole").objects.filter(
                pk=role.role_id
            ).delete()
            apps.get_model("participation", "Cycle").objects.filter(
                pk=cycle.cycle_id
            ).delete()
            apps.get_model("courses", "CoursePage").objects.filter(key=key).delete()
        with tenants_api.in_locality("campus"):
            apps.get_model("participation", "RoleTemplate").objects.filter(
                key=key
            ).delete()
        with tenants_api.in_public_schema():
            TaskOutbox.objects.filter(schema_name=TOWN, task_name__in=OURS).delete()
            apps.get_model("participation_citywide", "CertifiedCourse").objects.filter(
                user_id__in=ids
            ).delete()
            for label in (
                "reporting.LearnerCourse",
                "reporting.PersonSummary",
                "reporting.PersonProfile",
            ):
                apps.get_model(label).objects.filter(user_id__in=ids).delete()
        connection.set_schema_to_public()


def _waiting() -> Counter:
    with tenants_api.in_public_schema():
        names = TaskOutbox.objects.filter(
            schema_name=TOWN, task_name__in=OURS
        ).values_list("task_name", flat=True)
        return Counter(names)


def _succeeded(log: Path, task_name: str) -> int:
    """How many runs of ``task_name`` the worker's log reports as succeeded."""
    return len(
        re.findall(rf"Task {re.escape(task_name)}\[[^\]]+\] succeeded", log.read_text())
    )


def test_a_rule_change_and_its_recompute_task_commit_together(
    make_role, django_capture_on_commit_callbacks
):
    """(Runs first: it also has pytest-django set up the test database.)"""
    from django.db import transaction

    role = make_role()

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), tenants_api.in_locality(TOWN):
        with transaction.atomic():
            api.change_role_rules(role.role_id, min_age=16)
            raise Abandoned
    assert _waiting() == Counter()  # rolled back: no task either

    closed = f"redis://127.0.0.1:{local_s3.free_port()}/7"
    with (
        broker_at(closed),
        tenants_api.in_locality(TOWN),
        django_capture_on_commit_callbacks(execute=True),
    ):
        api.change_role_rules(role.role_id, min_age=16)
    # The publish failed after commit without raising; the row waits, with why.
    with tenants_api.in_public_schema():
        row = TaskOutbox.objects.get(
            task_name="participation.recompute_role", args=[role.role_id]
        )
    assert (row.schema_name, row.attempts) == (TOWN, 1) and row.last_error


def test_role_events_and_recomputes_made_during_a_broker_outage_run_once(
    committed_role, django_db_blocker, tmp_path, monkeypatch, settings
):
    key, role, (holder, newcomer) = committed_role
    closed = f"redis://127.0.0.1:{local_s3.free_port()}/7"  # nobody listens
    with receiving() as platform:
        settings.PARTICIPATION_WEBHOOK_URL = platform.url
        settings.PARTICIPATION_WEBHOOK_SECRET = SECRET
        with django_db_blocker.unblock():
            with broker_at(closed), tenants_api.in_locality(TOWN):
                # Each call commits; none of them fails for the person.
                for person in (holder, newcomer):
                    certificates_api.issue_certificate(
                        person.pk,
                        course_key=key,
                        course_version=1,
                        completed_at=datetime.now(UTC),
                    )
                selected = api.apply(
                    holder.pk,
                    role.role_id,
                    motivation="Vigilar el contrato del parque.",
                    declares_no_impediment=True,
                )
                assert selected.status == api.ApplicationStatus.SELECTED
                api.change_role_rules(role.role_id, min_age=16)
            connection.set_schema_to_public()
            assert _waiting() == Counter(
                {
                    "participation.recompute_eligibility": 2,
                    "participation.deliver_webhook": 1,
                    "participation.issue_role_credential": 1,
                    "participation.recompute_role": 1,
                }
            )
            with tenants_api.in_locality(TOWN):
                assert not certificates_api.role_credentials_of(holder.pk)
            connection.set_schema_to_public()
            assert platform.calls == []

            # The broker is back: a worker runs and the relay (beat's job) sends.
            app.control.purge()
            env = worker_env(
                PARTICIPATION_WEBHOOK_URL=platform.url,
                PARTICIPATION_WEBHOOK_SECRET=SECRET,
                PARTICIPATION_WEBHOOK_BACKOFF="1",
            )
        log = tmp_path / "worker.log"
        worker = start_worker(env, log)
        try:
            with django_db_blocker.unblock():
                monkeypatch.setattr("tenants.outbox.RELAY_GRACE", timedelta(0))
                assert relay_pending() >= 5  # ours, and the certificates' notices
                assert _waiting() == Counter()

                def all_done() -> bool:
                    return all(_succeeded(log, name) for name in OURS) and (
                        _succeeded(log, "participation.recompute_eligibility") >= 2
                    )

                wait_for(all_done, 180, lambda: log.read_text()[-4000:])
                wait_for(lambda: platform.calls, 30, lambda: log.read_text()[-4000:])
                # The outbox delivers at least once: the same tasks again.
                with tenants_api.in_locality(TOWN):
                    delivery = apps.get_model(
                        "participation", "WebhookDelivery"
                    ).objects.get(payload__rol__id=role.role_id)
                    tenants_api.send_after_commit(
                        "participation.deliver_webhook", delivery.pk
                    )
                    tenants_api.send_after_commit(
                        "participation.issue_role_credential",
                        selected.application_id,
                    )
                connection.set_schema_to_public()
                wait_for(
                    lambda: (
                        _succeeded(log, "participation.deliver_webhook") == 2
                        and _succeeded(log, "participation.issue_role_credential") == 2
                    ),
                    60,
                    lambda: log.read_text()[-4000:],
                )
        finally:
            stop_worker(worker)
    text = log.read_text()
    assert not re.search(r"Task participation\.\S+\[[^\]]+\] raised", text), text[
        -4000:
    ]
    # The platform got the selection once, signed, with its event id.
    assert platform.statuses() == [200]
    assert platform.accepted_events() == [str(delivery.event_id)]
    with django_db_blocker.unblock():
        with tenants_api.in_locality(TOWN):
            [credential] = certificates_api.role_credentials_of(holder.pk)
            delivery.refresh_from_db()
            standings = dict(
                apps.get_model("participation", "EligibilityRecord")
                .objects.filter(
                    role_id=role.role_id, user_id__in=[holder.pk, newcomer.pk]
                )
                .values_list("user_id", "verdict")
            )
        connection.set_schema_to_public()
    assert credential.credential["credentialSubject"]["role"] == role.title
    assert delivery.attempts == 1 and delivery.delivered_at is not None
    # The recomputes ran: the newcomer may apply, the holder has applied.
    assert standings == {
        holder.pk: api.Verdict.APPLIED,
        newcomer.pk: api.Verdict.ELIGIBLE,
    }
