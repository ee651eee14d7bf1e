"""Python API of the learning records: the only module other apps import (with
``data.py`` and ``signals.py``).

This module only re-exports: each topic lives in its own module, listed below
from the highest layer to the lowest (the import-linter contract "Learning core
modules" in ``pyproject.toml`` keeps that order). A new public function goes in
its topic module and in that module's ``__all__``; it then appears here.

Invariants, whatever the topic: everything acts on the active locality schema
(a tenant app) and names courses, lessons and activities by stable keys, never
database ids; writes are atomic, and signals and emails leave after commit; a
statement id is stored once; a course is completed once per learner.
"""

from __future__ import annotations

from . import (
    attendance,
    cohorts,
    completion,
    email,
    enrollment,
    errors,
    facilitators,
    lrs,
    notifications,
    people,
    personal_data,
    progress,
    quizzes,
    reminders,
    reporting_facts,
    rules,
    statements,
)
from .attendance import *  # noqa: F403
from .cohorts import *  # noqa: F403
from .completion import *  # noqa: F403
from .email import *  # noqa: F403
from .enrollment import *  # noqa: F403
from .errors import *  # noqa: F403
from .facilitators import *  # noqa: F403
from .lrs import *  # noqa: F403
from .notifications import *  # noqa: F403
from .people import *  # noqa: F403
from .personal_data import *  # noqa: F403
from .progress import *  # noqa: F403
from .quizzes import *  # noqa: F403
from .reminders import *  # noqa: F403
from .reporting_facts import *  # noqa: F403
from .rules import *  # noqa: F403
from .statements import *  # noqa: F403

__all__: list[str] = []
__all__ += personal_data.__all__  # export_learner, erase_learner
__all__ += reporting_facts.__all__  # readers for the city reporting's recount
__all__ += people.__all__  # who studies here (staff scope, role requirements)
__all__ += lrs.__all__  # forwarding statements to an external LRS
__all__ += reminders.__all__  # daily session reminders and nudges
__all__ += email.__all__  # a notice by email; unsubscribing
__all__ += facilitators.__all__  # who may open a cohort here; opening it
__all__ += quizzes.__all__  # native quizzes
__all__ += statements.__all__  # xAPI statements and activity states
__all__ += cohorts.__all__  # cohorts and their in-person sessions
__all__ += attendance.__all__  # attendance: roster, QR check-in, CSV
__all__ += progress.__all__  # lesson views and course progress
__all__ += completion.__all__  # the completion rule, evaluated and recorded once
__all__ += enrollment.__all__  # enrollment, withdrawal, waiting lists
__all__ += notifications.__all__  # notices shown in «Mi aprendizaje»
__all__ += rules.__all__  # course rules, told by ``courses``
__all__ += errors.__all__  # errors with Spanish messages
