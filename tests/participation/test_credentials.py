"""The role credential: issued when a person is selected, verifiable by our page
and by the independent verifier, conforming to Open Badges 3.0, revoked when the
person leaves the role."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from certificates import api as certificates_api
from participation import credentials
from tenants import api as tenants_api
from tests.certificates.conformance import independent_verify, validate_ob3

from .conftest import apply


@pytest.fixture
def tasks_in_process():
    """The role events' tasks (sent through the outbox after commit) run here,
    eagerly, in the sender's schema, as a worker would."""
    from lms.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_a_selected_person_gets_a_role_credential_that_verifies_and_is_revoked_on_leaving(
    make_role, person, client_a, tasks_in_process, django_capture_on_commit_callbacks
):
    role = make_role(seats=1)
    holder = person()
    # The callbacks run when the request's transaction commits: in its schema.
    with tenants_api.in_locality("test_kennedy"):
        with django_capture_on_commit_callbacks(execute=True):
            selected = apply(holder, role)
    assert selected.status.value == "seleccionada"
    with tenants_api.in_locality("test_kennedy"):
        [issued] = certificates_api.role_credentials_of(holder.pk)
        credential = issued.credential
        ours = certificates_api.verify_credential(credential)
    assert credential["credentialSubject"]["role"] == role.title
    # Valid to the last second of the service's last day, Bogotá time.
    until = datetime.fromisoformat(credential["validUntil"].replace("Z", "+00:00"))
    assert timezone.localtime(until).date() == role.cycle.service_ends
    assert (
        "Presupuestos participativos 2027"
        in (credential["credentialSubject"]["achievement"]["description"])
    )
    validate_ob3(credential)
    assert ours.is_valid and "Credencial de rol válida" in ours.reason
    with tenants_api.in_locality("test_kennedy"):
        client_a.force_login(holder)
    downloaded = client_a.get(f"/participacion/roles/{role.role_id}/credencial.json")
    assert downloaded.json() == credential
    assert (
        "Descargar mi credencial del rol"
        in client_a.get(f"/participacion/roles/{role.role_id}/").text
    )
    assert independent_verify(client_a, credential) == {
        "verified": True,
        "revoked": False,
        "errors": [],
    }

    with tenants_api.in_locality("test_kennedy"):
        from participation import api

        with django_capture_on_commit_callbacks(execute=True):
            api.withdraw(holder.pk, role.role_id)
    with tenants_api.in_locality("test_kennedy"):
        after = certificates_api.verify_credential(credential)
    assert after.state == "revoked" and "dejó el rol" in after.reason
    assert independent_verify(client_a, credential)["revoked"] is True


def test_role_credentials_and_certificates_never_share_a_status_bit(
    make_role, person, tasks_in_process, django_capture_on_commit_callbacks
):
    role = make_role(seats=5)
    people = [person() for _ in range(4)]  # each also holds a certificate
    with tenants_api.in_locality("test_kennedy"):
        with django_capture_on_commit_callbacks(execute=True):
            for user in people:
                apply(user, role)
    with tenants_api.in_locality("test_kennedy"):
        from certificates.models import Certificate, RoleCredential

        bits = list(Certificate.objects.values_list("status_index", flat=True)) + list(
            RoleCredential.objects.values_list("status_index", flat=True)
        )
    assert len(bits) == 8 and len(set(bits)) == 8


def test_a_late_task_for_an_application_no_longer_selected_issues_nothing(
    make_role, person
):
    role = make_role(seats=1)
    holder = person()
    application = apply(holder, role)
    with tenants_api.in_locality("test_kennedy"):
        from participation import api

        api.withdraw(holder.pk, role.role_id)
        assert credentials.issue_for_application(application.application_id) is None
        assert certificates_api.role_credentials_of(holder.pk) == []
