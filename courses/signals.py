"""Signals the courses app sends (after commit).

- ``release_requested(release_id)``: a release was frozen at the campus and waits
  for its copy into the localities. ``courses.handlers`` queues the Celery job;
  the release module itself stays below the tasks that run it.
"""

from __future__ import annotations

from django.dispatch import Signal

release_requested = Signal()
