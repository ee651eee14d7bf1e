"""Collective-intelligence workshops: barrios validated against the locality's
cadastral sectors, counted toward the 50 % goal, isolated per locality, and
copied to the dashboards' public table after commit."""

from __future__ import annotations

import pytest

from monitoring import api
from reporting.models import LocalityBarrioCoverage
from tenants import api as tenants_api

from .workshop_helpers import BOSA_BARRIO, KENNEDY_BARRIOS, facilitator_session


def test_barrios_of_a_past_session_count_toward_the_goal(town_a, make_person):
    facilitator = make_person()
    with tenants_api.in_locality(town_a):
        session = facilitator_session(facilitator.pk)
        saved = api.record_workshop(
            session.session_id,
            recorded_by=facilitator.pk,
            barrio_codes=[KENNEDY_BARRIOS[1], f" {KENNEDY_BARRIOS[0]} ", "004607"],
            participants="18",
            notes="Prioridades del parque",
        )
        assert saved.barrio_codes == ("004558", "004607")  # each once, in order
        assert saved.participants == 18 and saved.title == "Taller"
        coverage = api.barrio_coverage_here()
        # Kennedy has 102 cadastral sectors; the goal is half, rounded up.
        assert (coverage.reached, coverage.total, coverage.workshops) == (2, 102, 1)
        assert coverage.goal_barrios == 51
        assert round(coverage.percent, 1) == 2.0

        # Saving again replaces the barrios (one removed, one added).
        api.record_workshop(
            session.session_id,
            recorded_by=facilitator.pk,
            barrio_codes=list(KENNEDY_BARRIOS[1:]),
        )
        assert api.get_workshop(session.session_id).barrio_codes == KENNEDY_BARRIOS[1:]
        assert [w.session_id for w in api.list_workshops()] == [session.session_id]

        assert api.remove_workshop(session.session_id) is True
        assert api.get_workshop(session.session_id) is None
        assert api.barrio_coverage_here().reached == 0


def test_two_workshops_in_one_barrio_reach_it_once(town_a, make_person):
    facilitator = make_person()
    with tenants_api.in_locality(town_a):
        first = facilitator_session(facilitator.pk, title="Uno")
        second = facilitator_session(facilitator.pk, title="Dos", days=-3)
        for session, codes in ((first, KENNEDY_BARRIOS[:2]), (second, KENNEDY_BARRIOS)):
            api.record_workshop(
                session.session_id, recorded_by=facilitator.pk, barrio_codes=codes
            )
        coverage = api.barrio_coverage_here()
        assert (coverage.reached, coverage.workshops) == (3, 2)
        # Latest session first.
        assert [w.title for w in api.list_workshops()] == ["Uno", "Dos"]


def test_unknown_and_other_locality_barrios_are_refused_in_spanish(town_a, make_person):
    facilitator = make_person()
    with tenants_api.in_locality(town_a):
        session = facilitator_session(facilitator.pk)
        with pytest.raises(api.WorkshopError) as refused:
            api.record_workshop(
                session.session_id,
                recorded_by=facilitator.pk,
                barrio_codes=[KENNEDY_BARRIOS[0], BOSA_BARRIO, "999999", "Patio"],
            )
        message = refused.value.errors["barrios"]
        assert "El barrio 004642 es de Bosa, no de esta localidad." in message
        assert "«999999» no es un código de sector catastral de Bogotá" in message
        assert "«Patio»" in message
        assert KENNEDY_BARRIOS[0] not in message
        # Nothing half-written: the session is not a workshop.
        assert api.get_workshop(session.session_id) is None
        with pytest.raises(api.WorkshopError) as bad_count:
            api.record_workshop(
                session.session_id,
                recorded_by=facilitator.pk,
                barrio_codes=[],
                participants="veinte",
            )
        assert "número entero" in bad_count.value.errors["participants"]


def test_barrios_wait_until_the_session_started(town_a, make_person):
    facilitator = make_person()
    with tenants_api.in_locality(town_a):
        upcoming = facilitator_session(facilitator.pk, days=2)
        with pytest.raises(api.WorkshopError) as refused:
            api.record_workshop(
                upcoming.session_id,
                recorded_by=facilitator.pk,
                barrio_codes=[KENNEDY_BARRIOS[0]],
            )
        assert "aún no ha empezado" in refused.value.errors["barrios"]
        # Marking it ahead, with no barrios yet, is fine.
        marked = api.record_workshop(
            upcoming.session_id, recorded_by=facilitator.pk, barrio_codes=[]
        )
        assert marked.barrio_codes == ()
        assert api.barrio_coverage_here().reached == 0


def test_kennedy_and_bosa_keep_their_own_workshops_and_barrios(
    town_a, town_b, make_person
):
    facilitator = make_person()
    with tenants_api.in_locality(town_a):
        session = facilitator_session(facilitator.pk)
        api.record_workshop(
            session.session_id,
            recorded_by=facilitator.pk,
            barrio_codes=list(KENNEDY_BARRIOS),
        )
        kennedy_choices = {
            b.code for _upz, barrios in api.barrio_choices() for b in barrios
        }
    with tenants_api.in_locality(town_b):
        assert api.list_workshops() == []
        assert api.get_workshop(session.session_id) is None
        coverage = api.barrio_coverage_here()
        assert (coverage.reached, coverage.total) == (0, 74)
        bosa_choices = {
            b.code for _upz, barrios in api.barrio_choices() for b in barrios
        }
        # Kennedy's session id means nothing here.
        with pytest.raises(api.WorkshopError) as refused:
            api.record_workshop(
                session.session_id, recorded_by=facilitator.pk, barrio_codes=[]
            )
        assert "no existe en esta localidad" in refused.value.errors["__all__"]
    assert len(kennedy_choices) == 102 and len(bosa_choices) == 74
    assert BOSA_BARRIO in bosa_choices and BOSA_BARRIO not in kennedy_choices
    assert set(KENNEDY_BARRIOS) <= kennedy_choices


def test_the_chooser_groups_barrios_by_upz(town_a):
    with tenants_api.in_locality(town_a):
        groups = api.barrio_choices()
    names = [upz.name for upz, _barrios in groups]
    assert names == sorted(names)
    patio_bonito = next(b for upz, b in groups if upz.code == "UPZ82")
    assert "Ciudad de Cali" in [b.name for b in patio_bonito]
    assert all(b.upz_code == "UPZ82" for b in patio_bonito)


def test_the_campus_has_no_barrios(campus):
    with tenants_api.in_locality(campus):
        assert api.barrio_choices() == []
        assert api.barrio_coverage_here().total == 0


def test_the_dashboards_table_follows_after_commit(
    town_a, make_person, django_capture_on_commit_callbacks
):
    facilitator = make_person()
    with tenants_api.in_locality(town_a):
        session = facilitator_session(facilitator.pk)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            api.record_workshop(
                session.session_id,
                recorded_by=facilitator.pk,
                barrio_codes=list(KENNEDY_BARRIOS),
            )
        assert len(callbacks) == 1
    row = LocalityBarrioCoverage.objects.get(schema_name=town_a)
    assert (row.reached, row.total, row.workshops) == (3, 102, 1)
    assert not LocalityBarrioCoverage.objects.filter(schema_name="test_bosa").exists()
    with tenants_api.in_locality(town_a):
        with django_capture_on_commit_callbacks(execute=True):
            api.remove_workshop(session.session_id)
    # No workshop left: no row (pages read the total from the reference list).
    assert not LocalityBarrioCoverage.objects.filter(schema_name=town_a).exists()
