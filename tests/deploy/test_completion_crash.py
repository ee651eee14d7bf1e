"""A process that dies right after a completion commits loses no certificate.

The completion and its issuance's outbox row commit in one transaction. A child
process (the web node) completes a course and is killed by the first
after-commit hook, before any other after-commit work runs (the outbox's send,
the ``course_completed`` signal). The completion is stored, and so is the
issuance, waiting in the outbox; the relay sends it and a real worker issues
exactly one certificate.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection

from tenants import api as tenants_api
from tenants.models import TaskOutbox
from tenants.outbox import relay_pending

from ..workers import PROJECT_DIR, start_worker, stop_worker, wait_for, worker_env
from .test_broker_outage import TOWN, _certified, committed_learners  # noqa: F401

pytestmark = pytest.mark.worker

CHILD = """
import os, sys
import django
django.setup()
from django.db import transaction
from lms.learning import api as learning_api
from tenants import api as tenants_api

user_id, course_key = int(sys.argv[1]), sys.argv[2]
with tenants_api.in_locality({town!r}):
    with transaction.atomic():
        # Registered first, so it runs first once the transaction commits: the
        # process dies between the commit and everything else.
        transaction.on_commit(lambda: os._exit(9))
        learning_api.record_lesson_view(user_id, course_key, course_key + "-l")
print("no murió", flush=True)
"""


def test_a_completion_committed_by_a_process_that_dies_keeps_its_certificate(
    committed_learners,  # noqa: F811
    django_db_blocker,
    tmp_path,
    monkeypatch,
):
    course_key, learner_ids = committed_learners
    user_id = learner_ids[0]
    with django_db_blocker.unblock():
        env = worker_env()
        TaskOutbox.objects.filter(schema_name=TOWN).delete()
    child = subprocess.run(
        [sys.executable, "-c", CHILD.format(town=TOWN), str(user_id), course_key],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 9, child.stdout + child.stderr[-3000:]

    with django_db_blocker.unblock():
        completions = apps.get_model("learning", "CourseCompletion")
        with tenants_api.in_locality(TOWN):
            assert completions.objects.filter(
                user_id=user_id, course_key=course_key
            ).exists()
        connection.set_schema_to_public()
        # Committed with the completion, never sent (the process died first).
        waiting = list(
            TaskOutbox.objects.filter(
                schema_name=TOWN, task_name="certificates.issue_certificate"
            ).values_list("args", flat=True)
        )
        assert [args[:2] for args in waiting] == [[user_id, course_key]]
        assert _certified(course_key) == {}

    worker = start_worker(env, tmp_path / "worker.log")
    try:
        with django_db_blocker.unblock():
            monkeypatch.setattr("tenants.outbox.RELAY_GRACE", timedelta(0))
            assert relay_pending() >= 1
            wait_for(
                lambda: _certified(course_key) == {user_id: 1},
                180,
                lambda: (tmp_path / "worker.log").read_text()[-3000:],
            )
    finally:
        stop_worker(worker)
