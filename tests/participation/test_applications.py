"""Applying, seats, the waiting list, withdrawing and the committee."""

from __future__ import annotations

import multiprocessing
import threading
import uuid
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from participation import api
from participation.models import Application, CivicRole, Cycle, RoleTemplate
from tenants import api as tenants_api

from .conftest import apply


def test_first_come_fills_the_seats_then_the_waiting_list(make_role, person):
    role = make_role(seats=1)
    first, second = person(), person()
    assert apply(first, role).status == api.ApplicationStatus.SELECTED
    queued = apply(second, role)
    assert (queued.status, queued.waiting_position) == (
        api.ApplicationStatus.WAITING,
        1,
    )
    # The selected person leaves: the first in the queue takes the seat.
    with tenants_api.in_locality("test_kennedy"):
        api.withdraw(first.pk, role.role_id)
        [promoted] = [
            a for a in api.list_applications(role.role_id) if a.user_id == second.pk
        ]
    assert promoted.status == api.ApplicationStatus.SELECTED


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"declares_no_impediment": False}, "declaración"),
    ],
)
def test_refusals_say_what_to_do_and_store_nothing(make_role, person, change, message):
    role = make_role()
    with pytest.raises(api.ParticipationError, match=message):
        apply(person(), role, **change)
    with tenants_api.in_locality("test_kennedy"):
        assert api.list_applications(role.role_id) == []


def test_applying_twice_or_without_requirements_is_refused(make_role, person):
    role = make_role()
    user = person()
    apply(user, role)
    with pytest.raises(api.ParticipationError, match="Ya tiene una postulación"):
        apply(user, role)
    with pytest.raises(api.ParticipationError, match="Presupuestos participativos"):
        apply(person(certified=False), role)


def test_the_committee_rejects_with_a_reason_and_never_exceeds_seats(make_role, person):
    role = make_role(seats=1, selection_mode=api.SelectionMode.COMMITTEE)
    one, two = apply(person(), role), apply(person(), role)
    assert one.status == api.ApplicationStatus.PENDING
    with tenants_api.in_locality("test_kennedy"):
        with pytest.raises(api.ParticipationError, match="motivo"):
            api.decide(
                two.application_id,
                decision=api.ApplicationStatus.REJECTED,
                reason="",
                by_user_id=1,
            )
        api.decide(
            one.application_id,
            decision=api.ApplicationStatus.SELECTED,
            reason="",
            by_user_id=1,
        )
        with pytest.raises(api.ParticipationError, match="No quedan cupos"):
            api.decide(
                two.application_id,
                decision=api.ApplicationStatus.SELECTED,
                reason="",
                by_user_id=1,
            )


@pytest.fixture
def committed_role(django_db_setup, django_db_blocker):
    """A one-seat, first-come role and two people, committed (two connections)."""
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"].startswith("test_")
        key = f"concurrente-{uuid.uuid4().hex[:8]}"
        today = timezone.localdate()
        with tenants_api.in_locality("campus"):
            api.save_role_template(
                key,
                kind=api.RoleKind.CITIZEN_MONITOR,
                title="Veedor/a ciudadano/a",
                requires_residence=False,
                selection_mode=api.SelectionMode.FIRST_COME,
            )
        with tenants_api.in_locality("test_kennedy"):
            cycle = api.create_cycle(
                "Veedurías 2027",
                applications_open=today,
                applications_close=today,
                service_starts=today,
                service_ends=today,
            )
            role = api.open_role(cycle.cycle_id, key, seats=1)
        with tenants_api.in_public_schema():
            people = [
                get_user_model().objects.create_user(
                    username=f"{key}-{i}",
                    email=f"{key}-{i}@example.org",
                    birth_date=date(1990, 1, 1),
                )
                for i in range(2)
            ]
        yield role, people
        with tenants_api.in_locality("test_kennedy"):
            Application.objects.filter(role_id=role.role_id).delete()
            CivicRole.objects.filter(pk=role.role_id).delete()
            Cycle.objects.filter(pk=cycle.cycle_id).delete()
        with tenants_api.in_locality("campus"):
            RoleTemplate.objects.filter(key=key).delete()
        connection.set_schema_to_public()


def test_two_people_applying_for_the_last_seat_at_once_one_gets_it(
    committed_role, django_db_blocker
):
    role, people = committed_role
    barrier = threading.Barrier(2)
    outcomes = []

    def run(user):
        try:
            with django_db_blocker.unblock():
                with tenants_api.in_locality("test_kennedy"):
                    barrier.wait(timeout=10)
                    outcomes.append(
                        api.apply(
                            user.pk,
                            role.role_id,
                            motivation="",
                            declares_no_impediment=True,
                        ).status
                    )
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == sorted(
        [api.ApplicationStatus.SELECTED, api.ApplicationStatus.WAITING]
    )


def _apply_in_a_process(user_id: int, role_id: int, barrier, results) -> None:
    """A child process's whole life: its own connection, the barrier, one apply."""
    from django.db import connections

    connections.close_all()  # never the parent's socket: a connection of its own
    try:
        with tenants_api.in_locality("test_kennedy"):
            barrier.wait(timeout=30)
            outcome = api.apply(
                user_id, role_id, motivation="", declares_no_impediment=True
            )
        results.put(outcome.status.value)
    except Exception as exc:  # noqa: BLE001 (the parent reports it and fails)
        results.put(f"error: {exc!r}")
    finally:
        connections.close_all()


def test_two_processes_applying_for_the_last_seat_at_once_one_gets_it(
    committed_role, django_db_blocker
):
    """The same race as above between two operating-system processes (as two
    web workers would be), each with its own PostgreSQL session."""
    role, people = committed_role
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(2), context.Queue()
    with django_db_blocker.unblock():
        connection.close()  # the children must not inherit an open connection
        children = [
            context.Process(
                target=_apply_in_a_process,
                args=(user.pk, role.role_id, barrier, results),
            )
            for user in people
        ]
        for child in children:
            child.start()
        outcomes = sorted(results.get(timeout=90) for _ in children)
        for child in children:
            child.join(timeout=30)
        with tenants_api.in_locality("test_kennedy"):
            stored = sorted(a.status.value for a in api.list_applications(role.role_id))
        connection.set_schema_to_public()
    expected = sorted(
        [api.ApplicationStatus.SELECTED.value, api.ApplicationStatus.WAITING.value]
    )
    assert outcomes == expected and stored == expected
    assert [child.exitcode for child in children] == [0, 0]
