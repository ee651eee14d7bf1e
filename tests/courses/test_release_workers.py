"""Releases with real workers: one task per locality, shared by two workers.

The release commits with one outbox row per locality; after commit the rows
reach the broker and two real Celery workers copy the localities. A locality
that fails is recorded and, once its problem is fixed, retried alone: the
localities already done are not copied again.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.db import connection

from courses import api
from courses.models import CoursePage, LessonPage
from lms.celery import app
from tenants import api as tenants_api
from tenants.models import TaskOutbox

from ..workers import start_worker, stop_worker, wait_for, worker_env

pytestmark = pytest.mark.worker

TOWNS = ["test_kennedy", "test_bosa"]


@pytest.fixture
def committed_course(django_db_setup, django_db_blocker):
    key = f"reparto-{uuid.uuid4().hex[:6]}"
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"].startswith("test_")
        with tenants_api.in_locality("campus"):
            api.create_course("Control social por localidades", key=key)
            for m in range(2):
                module = api.add_module(key, f"Módulo {m + 1}", key=f"{key}-m{m}")
                for n in range(3):
                    api.add_lesson(
                        module, f"Lección {m + 1}.{n + 1}", key=f"{key}-m{m}-l{n}"
                    )
        connection.set_schema_to_public()
    yield key
    with django_db_blocker.unblock():
        for schema in ["campus", *TOWNS]:
            with tenants_api.in_locality(schema):
                for page in CoursePage.objects.filter(key__startswith=key):
                    page.delete()
        with tenants_api.in_public_schema():
            TaskOutbox.objects.filter(task_name="courses.copy_release_target").delete()
        connection.set_schema_to_public()


def _finished(release_id: int):
    with tenants_api.in_locality("campus"):
        release = api.get_release(release_id)
    connection.set_schema_to_public()
    return None if release.is_active else release


def _copies_done(*logs) -> int:
    pattern = re.compile(r"Task courses\.copy_release_target\[[^\]]+\] succeeded")
    return sum(len(pattern.findall(log.read_text())) for log in logs)


def test_two_workers_share_a_release_and_a_failed_locality_is_retried_alone(
    committed_course, django_db_blocker, tmp_path
):
    key = committed_course
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    with django_db_blocker.unblock():
        env = worker_env()
        # Bosa already has a local lesson with one of the course's keys: its
        # copy fails and Bosa keeps what it had.
        with tenants_api.in_locality("test_bosa"):
            api.create_course("Curso local de Bosa", key=f"{key}-local")
            module = api.add_module(f"{key}-local", "Módulo local", key=f"{key}-lm")
            api.add_lesson(module, "Lección local", key=f"{key}-m1-l2")
        connection.set_schema_to_public()
    # A message another test left in the shared queue would be taken too.
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    workers = [
        start_worker(env, log, args=("-n", f"w{n}-{uuid.uuid4().hex[:6]}@localhost"))
        for n, log in enumerate(logs, start=1)
    ]
    tail = lambda: "".join(log.read_text()[-2000:] for log in logs)  # noqa: E731
    try:
        with django_db_blocker.unblock():
            with tenants_api.in_locality("campus"):
                release = api.release_course(key, schema_names=TOWNS)  # commits
            connection.set_schema_to_public()
            wait_for(lambda: _finished(release.release_id), 180, tail)
            first = _finished(release.release_id)
            by_schema = {t.schema_name: t for t in first.targets}
            assert first.status == "failed"
            assert by_schema["test_kennedy"].status == "done", tail()
            assert by_schema["test_bosa"].status == "failed"
            assert f"{key}-m1-l2" in by_schema["test_bosa"].message
            assert first.can_retry
            # One task per locality, each run once; the outbox is empty.
            assert _copies_done(*logs) == 2
            assert not TaskOutbox.objects.filter(
                task_name="courses.copy_release_target"
            ).exists()
            with tenants_api.in_locality("test_kennedy"):
                kennedy_published = dict(
                    LessonPage.objects.filter(key__startswith=key).values_list(
                        "key", "last_published_at"
                    )
                )
            with tenants_api.in_locality("test_bosa"):
                assert not CoursePage.objects.filter(key=key).exists()
                # Bosa renames its lesson's key; the failed locality is retried.
                LessonPage.objects.filter(key=f"{key}-m1-l2").update(
                    key=f"{key}-propia"
                )
            with tenants_api.in_locality("campus"):
                retried = api.retry_failed_localities(release.release_id)
            connection.set_schema_to_public()
            assert {t.schema_name: t.status for t in retried.targets} == {
                "test_kennedy": "done",
                "test_bosa": "pending",
            }
            wait_for(lambda: _finished(release.release_id), 180, tail)
            second = _finished(release.release_id)
            assert second.status == "done", [t.message for t in second.targets]
            assert _copies_done(*logs) == 3  # Bosa only
            with tenants_api.in_locality("test_kennedy"):
                assert (
                    dict(
                        LessonPage.objects.filter(key__startswith=key).values_list(
                            "key", "last_published_at"
                        )
                    )
                    == kennedy_published
                )  # not copied again
            with tenants_api.in_locality("test_bosa"):
                assert (
                    LessonPage.objects.filter(
                        key__startswith=f"{key}-m", live=True
                    ).count()
                    == 6
                )
            with tenants_api.in_locality("campus"):
                with pytest.raises(api.CourseError, match="Ninguna localidad falló"):
                    api.retry_failed_localities(release.release_id)
            connection.set_schema_to_public()
    finally:
        for worker in workers:
            stop_worker(worker)
