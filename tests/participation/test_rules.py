"""Each requirement, explained: certificate, residence, age (minors), closed, applied."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from certificates import api as certificates_api
from courses import api as courses_api
from participation import api, certified
from tenants import api as tenants_api

from .conftest import apply


def _standing(user, role):
    with tenants_api.in_locality("test_kennedy"):
        return api.eligibility_for(user.pk, role.role_id)


def test_a_certified_resident_adult_is_eligible(make_role, person):
    standing = _standing(person(), make_role())
    assert standing.verdict == api.Verdict.ELIGIBLE
    assert all(result.is_met for result in standing.results)


def test_a_missing_certificate_says_which_course_and_links_it(make_role, person):
    standing = _standing(person(certified=False), make_role())
    assert standing.verdict == api.Verdict.MISSING
    (missing,) = [r for r in standing.results if not r.is_met]
    assert "Presupuestos participativos" in missing.explanation
    assert missing.link.endswith("/")  # the course page in this locality


def test_a_revoked_certificate_never_counts(
    make_role, person, django_capture_on_commit_callbacks
):
    user = person()
    role = make_role()
    assert _standing(user, role).verdict == api.Verdict.ELIGIBLE
    with tenants_api.in_locality("test_kennedy"):
        [certificate] = certificates_api.list_certificates_for_person(user.pk)
        with django_capture_on_commit_callbacks(execute=True):
            certificates_api.revoke_certificate(
                certificate.code, reason="Error de registro"
            )
    assert _standing(user, role).verdict == api.Verdict.MISSING


def test_a_certificate_from_another_locality_counts(
    make_role, person, town_b, django_capture_on_commit_callbacks
):
    user = person(certified=False)
    with tenants_api.in_locality(town_b):
        courses_api.create_course("Presupuestos participativos", key="pp")
        with django_capture_on_commit_callbacks(execute=True):
            certificates_api.issue_certificate(
                user.pk, course_key="pp", course_version=1, completed_at=timezone.now()
            )
    assert _standing(user, make_role()).verdict == api.Verdict.ELIGIBLE


def test_the_recount_rebuilds_the_index_from_the_certificates(
    make_role, person, town_b
):
    """A lost event (here: no after-commit receivers at all) is corrected by the
    nightly rebuild, and a revoked certificate leaves the index there too."""
    user = person(certified=False)
    other = person()
    with tenants_api.in_locality(town_b):
        courses_api.create_course("Presupuestos participativos", key="pp")
        certificates_api.issue_certificate(
            user.pk, course_key="pp", course_version=1, completed_at=timezone.now()
        )
    with tenants_api.in_locality("test_kennedy"):
        [certificate] = certificates_api.list_certificates_for_person(other.pk)
        certificates_api.revoke_certificate(certificate.code, reason="Duplicado")
    role = make_role()
    assert _standing(user, role).verdict == api.Verdict.MISSING  # event lost
    assert _standing(other, role).verdict == api.Verdict.ELIGIBLE  # event lost
    for schema in (town_b, "test_kennedy"):
        with tenants_api.in_locality(schema):
            certified.rebuild_here()
    assert _standing(user, role).verdict == api.Verdict.ELIGIBLE
    assert _standing(other, role).verdict == api.Verdict.MISSING


def test_living_elsewhere_is_its_own_verdict(make_role, person):
    standing = _standing(person(residence="test_bosa"), make_role())
    assert standing.verdict == api.Verdict.OTHER_LOCALITY


def test_minors_from_fourteen_need_a_guardian(make_role, person):
    today = timezone.localdate()
    teen = person(born=date(today.year - 15, 1, 1))
    role = make_role()
    standing = _standing(teen, role)
    assert standing.verdict == api.Verdict.ELIGIBLE and standing.needs_guardian
    try:
        apply(teen, role)
    except api.ParticipationError as refused:
        assert "acudiente" in str(refused)
    else:
        raise AssertionError("a minor applied without a guardian")
    done = apply(teen, role, guardian_name="Rosa Díaz", guardian_consents=True)
    assert done.status == api.ApplicationStatus.SELECTED


def test_under_fourteen_is_too_young(make_role, person):
    today = timezone.localdate()
    child = person(born=date(today.year - 12, 1, 1))
    assert _standing(child, make_role()).verdict == api.Verdict.TOO_YOUNG


def test_closed_applications_are_said_so(make_role, person, town_a):
    role = make_role()
    with tenants_api.in_locality(town_a):
        from participation.models import Cycle

        Cycle.objects.filter(pk=role.cycle.cycle_id).update(
            applications_close=timezone.localdate() - timedelta(days=1)
        )
    late = person()
    assert _standing(late, role).verdict == api.Verdict.CLOSED
    # Applying anyway is refused, in Spanish, and nothing is stored.
    with pytest.raises(api.ParticipationError, match="no está abierta"):
        apply(late, role)
    with tenants_api.in_locality(town_a):
        assert api.list_applications(role.role_id) == []
