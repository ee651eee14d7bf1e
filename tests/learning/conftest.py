"""Learning-records fixtures: a small local course in Kennedy, built through the API."""

from __future__ import annotations

import pytest

from courses import api as courses_api
from lms.learning import signals


@pytest.fixture
def course(in_town_a):
    """A Kennedy course: 2 modules, 3 lessons (l3 optional), no score or attendance."""
    courses_api.create_course("Control social", key="control")
    courses_api.add_module("control", "Primeros pasos", key="cm1")
    courses_api.add_lesson("cm1", "Qué es el control social", key="cl1")
    courses_api.add_lesson("cm1", "Veedurías ciudadanas", key="cl2")
    courses_api.add_module("control", "Para profundizar", key="cm2")
    courses_api.add_lesson("cm2", "Lecturas", key="cl3", is_required=False)
    return "control"


@pytest.fixture
def received():
    """Every learning signal sent, as (name, kwargs), in order."""
    events: list[tuple[str, dict]] = []
    receivers = {}
    for name in (
        "enrollment_created",
        "enrollment_withdrawn",
        "learner_active",
        "course_completed",
    ):

        def receiver(sender, _name=name, **kwargs):
            events.append((_name, kwargs))

        receivers[name] = receiver
        getattr(signals, name).connect(receiver, dispatch_uid=f"test.{name}")
    yield events
    for name in receivers:
        getattr(signals, name).disconnect(dispatch_uid=f"test.{name}")
