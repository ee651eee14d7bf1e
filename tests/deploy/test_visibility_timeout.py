"""Production's Redis visibility timeout: minutes, and above every task's delay.

A dead worker's task comes back after the visibility timeout (kombu's default
is an hour); a task waiting for its countdown is unacknowledged too, so the
timeout must exceed the longest retry delay or that task runs twice.
"""

from __future__ import annotations

import json
import subprocess
import sys

from ..security.test_production_settings import PROJECT_DIR, _production_env

_PRINT = """
import json
from django.conf import settings
from lms.celery import app
app.loader.import_default_modules()
ceilings = {
    name: getattr(task, "retry_backoff_max", 0) if getattr(task, "retry_backoff", 0) else 0
    for name, task in app.tasks.items()
    if not name.startswith("celery.")
}
print(json.dumps({
    "options": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    "ceilings": ceilings,
}))
"""


def test_visibility_timeout_is_minutes_and_above_every_retry_delay(db):
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", _PRINT],
        cwd=PROJECT_DIR,
        env=_production_env(CELERY_BROKER_URL="redis://127.0.0.1:6379/7"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    timeout = answer["options"]["visibility_timeout"]
    assert 300 <= timeout <= 1800  # a dead worker's task is back within minutes
    longest = max(answer["ceilings"].items(), key=lambda item: item[1])
    assert longest[1] > 0  # the check sees the tasks that retry
    assert timeout > longest[1], longest
