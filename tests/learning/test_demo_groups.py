"""`make run`'s demo group: a facilitator's group with a session, two people in
it and a third left for «Agregar personas»; loading twice adds nothing."""

from __future__ import annotations

from courses import api as courses_api
from lms.learning import api as learning_api
from lms.locality_roles import api as roles_api
from lms.portal import demo_groups
from tenants import api as tenants_api


def test_the_demo_group_is_made_once(town_a, make_person, monkeypatch):
    monkeypatch.setattr(demo_groups, "SCHEMA", town_a)
    facilitator = make_person(email=demo_groups.FACILITATOR_EMAIL)
    with tenants_api.in_locality(town_a):
        roles_api.grant_role(facilitator.pk, roles_api.Role.FACILITATOR)
        courses_api.create_course("Presupuestos", key=demo_groups.COURSE)
    assert demo_groups.load_demo_groups() != []
    assert demo_groups.load_demo_groups() == []
    with tenants_api.in_locality(town_a):
        (cohort,) = learning_api.list_cohorts(facilitator_id=facilitator.pk)
        assert (cohort.name, cohort.enrolled) == (demo_groups.GROUP, 2)
        (session,) = learning_api.list_sessions(cohort.cohort_id)
        names = [e.name for e in learning_api.list_session_roster(
            cohort.cohort_id, session.session_id
        )]  # fmt: skip
    assert names == ["José Pérez Ortiz", "María Fernanda Ríos"]
