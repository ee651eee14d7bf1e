"""Python API of the courses app: the only module other apps import (with
``data.py``).

This module only re-exports: each topic lives in its own module. City courses are
authored at the city campus and released to localities (``releases``): a
background job copies the frozen snapshot into each locality in one transaction
per locality, so a failed copy leaves the previous version serving. Courses,
modules and lessons keep stable keys across versions and localities; everything
acts on the schema that is active when it is called.
"""

from __future__ import annotations

from . import (
    authoring,
    catalog,
    errors,
    learner,
    learning_rule,
    lesson_blocks,
    releases,
    routing,
)
from .authoring import *  # noqa: F403
from .catalog import *  # noqa: F403
from .errors import *  # noqa: F403
from .learner import *  # noqa: F403
from .learning_rule import *  # noqa: F403
from .lesson_blocks import *  # noqa: F403
from .releases import *  # noqa: F403
from .routing import *  # noqa: F403

__all__: list[str] = []
__all__ += authoring.__all__  # courses, modules, lessons, quizzes, paths by code
__all__ += learner.__all__  # lesson views, the course page's next step, cohorts
__all__ += releases.__all__  # a campus course's versions copied to localities
__all__ += catalog.__all__  # what the locality offers and each course's outline
__all__ += learning_rule.__all__  # what the learning records know of a course
__all__ += errors.__all__  # errors with Spanish messages
__all__ += lesson_blocks.__all__  # blocks other apps add to lesson bodies
__all__ += routing.__all__  # Wagtail's page serving with cached routes
