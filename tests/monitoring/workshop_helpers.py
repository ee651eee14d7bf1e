"""Helpers for the workshop and funnel tests: a facilitator's group and its
in-person sessions, created through the public APIs inside a locality."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from courses import api as courses_api
from lms.learning import api as learning_api
from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role

# Cadastral sectors (barrio codes) of the two test localities.
KENNEDY_BARRIOS = ("004558", "004607", "004612")  # Patio Bonito (UPZ82)
BOSA_BARRIO = "004642"  # Islandia, Bosa Central (UPZ85)


def facilitator_session(facilitator_id: int, *, days: int = -1, title="Taller"):
    """A session of a group run by ``facilitator_id``, ``days`` from now (past
    when negative). Call inside the locality; grants the facilitator role."""
    roles_api.grant_role(facilitator_id, Role.FACILITATOR)
    if learning_api.get_course_rule_version("control") is None:
        courses_api.create_course("Control social", key="control", modality="mixta")
    today = timezone.localdate()
    cohort = courses_api.open_cohort(
        "control",
        f"Grupo {facilitator_id}",
        facilitator_id=facilitator_id,
        starts_on=today - timedelta(days=40),
        ends_on=today + timedelta(days=30),
        capacity=30,
    )
    starts = timezone.now() + timedelta(days=days)
    return learning_api.schedule_session(
        cohort.cohort_id, title, starts_at=starts, ends_at=starts + timedelta(hours=2)
    )
