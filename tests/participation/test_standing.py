"""Eligibility kept per person and role, recomputed when a certificate or the
person's data changes, and a one-time notice when someone becomes eligible."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from certificates import api as certificates_api
from lms.learning.models import Notification
from participation import api, handlers, standing
from participation.models import EligibilityRecord
from tenants import api as tenants_api


@pytest.fixture
def recompute_in_process(monkeypatch):
    calls = []

    def run(user_id, also_in=None):
        calls.append((user_id, also_in))
        return standing.recompute_for_person(user_id, also_in=also_in)

    monkeypatch.setattr(handlers, "queue_recompute", run)
    return calls


def _record(user, role):
    with tenants_api.in_locality("test_kennedy"):
        return EligibilityRecord.objects.get(user_id=user.pk, role_id=role.role_id)


def _notices(user):
    with tenants_api.in_locality("test_kennedy"):
        return list(
            Notification.objects.filter(user_id=user.pk, kind=standing.NOTICE_KIND)
        )


def test_a_new_certificate_makes_a_person_eligible_and_tells_them_once(
    make_role,
    person,
    recompute_in_process,
    django_capture_on_commit_callbacks,
):
    role = make_role()
    user = person(certified=False)
    api.recompute_for_person(user.pk)
    assert _record(user, role).verdict == api.Verdict.MISSING
    assert _notices(user) == []

    with tenants_api.in_locality("test_kennedy"):
        with django_capture_on_commit_callbacks(execute=True):
            certificates_api.issue_certificate(
                user.pk,
                course_key="pp",
                course_version=1,
                completed_at=datetime(2026, 11, 1, tzinfo=UTC),
            )
    assert recompute_in_process == [(user.pk, "test_kennedy")]
    record = _record(user, role)
    assert record.verdict == api.Verdict.ELIGIBLE and record.eligible_since
    [notice] = _notices(user)
    assert role.title in notice.title
    assert notice.link == f"/participacion/roles/{role.role_id}/"

    # Recomputing again (or viewing the roles) does not tell them twice.
    api.recompute_for_person(user.pk)
    assert len(_notices(user)) == 1


def test_a_revoked_certificate_takes_eligibility_away(
    make_role, person, recompute_in_process, django_capture_on_commit_callbacks
):
    role = make_role()
    user = person()
    api.recompute_for_person(user.pk)
    assert _record(user, role).verdict == api.Verdict.ELIGIBLE
    with tenants_api.in_locality("test_kennedy"):
        [certificate] = certificates_api.list_certificates_for_person(user.pk)
        with django_capture_on_commit_callbacks(execute=True):
            certificates_api.revoke_certificate(certificate.code, reason="Duplicado")
    record = _record(user, role)
    assert record.verdict == api.Verdict.MISSING and record.eligible_since is None


def test_moving_to_another_locality_is_recomputed_there(
    make_role, person, recompute_in_process
):
    role = make_role()
    user = person()
    api.recompute_for_person(user.pk)
    user.residence_locality_id = "test_bosa"
    with tenants_api.in_public_schema():
        user.save(update_fields=["residence_locality"])
    handlers.on_people_changed(None, user_ids=[user.pk])
    assert recompute_in_process[-1] == (user.pk, None)
    # Kennedy kept a standing for them: it is updated, not left stale.
    record = _record(user, role)
    assert record.verdict == api.Verdict.OTHER_LOCALITY
    assert record.eligible_since is None


def test_a_revoked_certificate_after_selection_is_flagged_and_managers_told(
    make_role,
    person,
    make_person,
    recompute_in_process,
    django_capture_on_commit_callbacks,
):
    from lms.locality_roles import api as roles_api
    from lms.locality_roles.data import Role

    from .conftest import apply

    role = make_role(seats=1)
    holder = person()
    manager = make_person()
    with tenants_api.in_locality("test_kennedy"):
        roles_api.grant_role(manager.pk, Role.LOCALITY_MANAGER)
    apply(holder, role)
    with tenants_api.in_locality("test_kennedy"):
        [certificate] = certificates_api.list_certificates_for_person(holder.pk)
        with django_capture_on_commit_callbacks(execute=True):
            certificates_api.revoke_certificate(certificate.code, reason="Fraude")
        [application] = api.list_applications(role.role_id)
        told = list(
            Notification.objects.filter(user_id=manager.pk, kind="rol_no_cumple")
        )
    # Still selected: the managers decide; nothing was removed by itself.
    assert application.status == api.ApplicationStatus.SELECTED
    assert "Presupuestos participativos" in application.requirements_note
    assert len(told) == 1 and role.title in told[0].title
    # The roster says so, next to the person, for the managers to decide.
    client = Client(HTTP_HOST="kennedy.test")
    with tenants_api.in_locality("test_kennedy"):
        client.force_login(manager)
    roster = client.get(f"/admin/participacion/roles/{role.role_id}/").text
    assert "Ya no cumple:" in roster and holder.last_name in roster
    assert "Seleccionada" in roster
    api.recompute_for_person(holder.pk)  # seen again: not told twice
    with tenants_api.in_locality("test_kennedy"):
        assert (
            Notification.objects.filter(
                user_id=manager.pk, kind="rol_no_cumple"
            ).count()
            == 1
        )
