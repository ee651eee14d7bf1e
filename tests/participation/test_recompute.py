"""Set-based recompute (a rule change, the nightly recount) stores the same
standings the per-person path computes, on a varied group of people."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from certificates import api as certificates_api
from courses import api as courses_api
from lms.learning import api as learning_api
from lms.learning.models import Notification
from participation import api, standing, tasks
from participation.models import EligibilityRecord
from tenants import api as tenants_api
from tenants.models import TaskOutbox

from .conftest import apply

KENNEDY = "test_kennedy"


def _years_ago(years: int) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - timedelta(days=1)


@pytest.fixture
def roles(make_role, campus, open_cycle):
    """The delegate role (residents, 18+, 14-17 with a guardian) and a monitor
    role open to anyone who attended one session here."""
    with tenants_api.in_locality(campus):
        api.save_role_template(
            "veedor-asistencia",
            kind=api.RoleKind.CITIZEN_MONITOR,
            title="Veedor/a ciudadano/a",
            min_age=18,
            required_courses=["pp"],
            min_sessions_attended=1,
            requires_residence=False,
            selection_mode=api.SelectionMode.COMMITTEE,
        )
    delegate = make_role(seats=10)
    with tenants_api.in_locality(KENNEDY):
        monitor = api.open_role(open_cycle.cycle_id, "veedor-asistencia", seats=5)
    return delegate, monitor


@pytest.fixture
def people(
    roles, person, make_person, django_capture_on_commit_callbacks, facilitator_here
):
    delegate, _monitor = roles
    group = {
        "adult": person(),
        "revoked": person(),
        "minor_with_consent": person(born=_years_ago(16)),
        "minor_without_consent": person(born=_years_ago(16)),
        "child": person(born=_years_ago(12)),
        "lives_in_bosa": person(residence="test_bosa"),
        "no_declaration": person(),
        "uncertified": person(certified=False),
        "certified_in_bosa": person(certified=False),
        "attended": person(),
        "selected_then_revoked": person(),
    }
    with tenants_api.in_locality("test_bosa"):
        courses_api.create_course("Presupuestos participativos", key="pp")
        with django_capture_on_commit_callbacks(execute=True):
            certificates_api.issue_certificate(
                group["certified_in_bosa"].pk,
                course_key="pp",
                course_version=1,
                completed_at=timezone.now(),
            )
    apply(
        group["minor_with_consent"],
        delegate,
        guardian_name="Rosa Díaz",
        guardian_consents=True,
    )
    for name, options in (
        ("minor_without_consent", {"guardian_name": "Rosa Díaz"}),
        ("no_declaration", {"declares_no_impediment": False}),
    ):
        with pytest.raises(api.ParticipationError):
            apply(group[name], delegate, **options)
    apply(group["selected_then_revoked"], delegate)
    with tenants_api.in_locality(KENNEDY):
        _attend(group["attended"], facilitator_here)
        for name in ("revoked", "selected_then_revoked"):
            [certificate] = certificates_api.list_certificates_for_person(
                group[name].pk
            )
            with django_capture_on_commit_callbacks(execute=True):
                certificates_api.revoke_certificate(certificate.code, reason="Error")
    return group


@pytest.fixture
def facilitator_here(make_person):
    return make_person()


def _attend(user, facilitator) -> None:
    learning_api.enroll(user.pk, "pp")
    cohort = learning_api.create_cohort(
        "pp",
        "Grupo del sábado",
        facilitator_id=facilitator.pk,
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 12, 31),
        capacity=30,
    )
    learning_api.withdraw(user.pk, "pp")
    learning_api.enroll(user.pk, "pp", cohort_id=cohort.cohort_id)
    start = timezone.now() - timedelta(days=3)
    session = learning_api.schedule_session(
        cohort.cohort_id, "Taller", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    assert learning_api.record_attendance(session.session_id, [user.pk]) == 1


def _stored(user_ids=None) -> dict[tuple[int, int], tuple[str, bool]]:
    """Kennedy's standings (of ``user_ids`` only: committed tests of other apps
    may have left certified people in Kennedy)."""
    with tenants_api.in_locality(KENNEDY):
        rows = EligibilityRecord.objects.all()
        if user_ids is not None:
            rows = rows.filter(user_id__in=user_ids)
        return {
            (r.user_id, r.role_id): (r.verdict, r.eligible_since is not None)
            for r in rows
        }


def test_the_set_based_pass_stores_what_the_per_person_path_computes(
    roles, people, make_person
):
    stranger = make_person(residence_locality_id="test_bosa")  # nothing here
    ours = [user.pk for user in people.values()] + [stranger.pk]
    with tenants_api.in_locality(KENNEDY):
        result = api.recompute_roles()
    set_based = _stored(ours)

    # The per-person path, from scratch, for everyone the pass considered.
    with tenants_api.in_locality(KENNEDY):
        EligibilityRecord.objects.all().delete()
    for user in people.values():
        api.recompute_for_person(user.pk, also_in=KENNEDY)
    per_person = _stored(ours)

    assert set_based == per_person
    assert result.roles == 2 and result.people >= len(people)
    assert not any(user_id == stranger.pk for user_id, _role in set_based)
    delegate, monitor = roles
    verdicts = {
        name: set_based[(user.pk, delegate.role_id)][0] for name, user in people.items()
    }
    assert verdicts == {
        "adult": api.Verdict.ELIGIBLE,
        "revoked": api.Verdict.MISSING,
        "minor_with_consent": api.Verdict.APPLIED,
        "minor_without_consent": api.Verdict.ELIGIBLE,
        "child": api.Verdict.TOO_YOUNG,
        "lives_in_bosa": api.Verdict.OTHER_LOCALITY,
        "no_declaration": api.Verdict.ELIGIBLE,
        "uncertified": api.Verdict.MISSING,
        "certified_in_bosa": api.Verdict.ELIGIBLE,
        "attended": api.Verdict.ELIGIBLE,
        "selected_then_revoked": api.Verdict.APPLIED,
    }
    monitors = {
        name
        for name, user in people.items()
        if set_based[(user.pk, monitor.role_id)][0] == api.Verdict.ELIGIBLE
    }
    assert monitors == {"attended"}  # the others attended no session here


def test_a_rule_change_recomputes_everyone_once_and_tells_the_newly_eligible(
    roles, people, django_capture_on_commit_callbacks
):
    delegate, _monitor = roles
    with tenants_api.in_locality(KENNEDY):
        api.recompute_roles()
    assert _stored()[(people["uncertified"].pk, delegate.role_id)] == (
        api.Verdict.MISSING,
        False,
    )
    # The recompute's task is written into the outbox with the change (it is
    # published after commit; not here, where the callbacks are only captured).
    with (
        tenants_api.in_locality(KENNEDY),
        django_capture_on_commit_callbacks(execute=False),
    ):
        api.change_role_rules(delegate.role_id, required_courses=[], min_age=16)
    with tenants_api.in_public_schema():
        waiting = TaskOutbox.objects.filter(
            task_name="participation.recompute_role",
            schema_name=KENNEDY,
            args=[delegate.role_id],
        ).count()
    assert waiting == 1
    queued = [delegate.role_id]
    with tenants_api.in_locality(KENNEDY):
        result = api.recompute_roles(queued)
        notices = set(
            Notification.objects.filter(
                kind=standing.NOTICE_KIND, ref=f"rol-{delegate.role_id}"
            ).values_list("user_id", flat=True)
        )
    stored = _stored()
    newly = {"revoked", "uncertified"}
    for name in newly:
        assert stored[(people[name].pk, delegate.role_id)] == (
            api.Verdict.ELIGIBLE,
            True,
        )
        assert people[name].pk in notices
    assert result.newly_eligible == len(newly)
    # Recomputing again changes nothing and tells nobody twice.
    with tenants_api.in_locality(KENNEDY):
        again = api.recompute_roles()
    assert again.changed == 0 and again.newly_eligible == 0


def test_bad_rules_are_refused_in_spanish(roles):
    delegate, _monitor = roles
    with tenants_api.in_locality(KENNEDY):
        with pytest.raises(api.ParticipationError, match="entre 14 y 100"):
            api.change_role_rules(delegate.role_id, min_age=9)
        with pytest.raises(api.ParticipationError, match="menor que la edad mínima"):
            api.change_role_rules(delegate.role_id, minors_from=18)


def test_the_nightly_recount_rebuilds_the_index_and_the_standings(
    roles, person, town_b
):
    """A certificate whose event was lost (no after-commit receivers) is found by
    the recount, and the standing it opens is stored."""
    delegate, _monitor = roles
    user = person(certified=False)
    with tenants_api.in_locality(KENNEDY):
        certificates_api.issue_certificate(
            user.pk, course_key="pp", course_version=1, completed_at=timezone.now()
        )
        assert api.eligibility_for(user.pk, delegate.role_id).verdict == (
            api.Verdict.MISSING
        )
    changed = tasks.recount_task()
    assert changed[KENNEDY] >= 1
    assert _stored()[(user.pk, delegate.role_id)] == (api.Verdict.ELIGIBLE, True)
