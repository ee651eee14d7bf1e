"""A course release and a certificate, done by a real worker on "another machine".

The worker's local media roots are not this process's, and both use the local
S3 server: the release reads the campus's image and H5P package by storage key
(never a path of the web node), installs them in Kennedy, and the certificate
PDF the worker writes is read back here through the private storage. Neither
process writes a file to its local disk.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import connection

from certificates import api as certificates_api
from certificates.tasks import issue_certificate_task
from courses import api as courses_api
from h5p import api as h5p_api
from tenants import api as tenants_api
from tenants.models import TaskOutbox

from ..courses.conftest import make_image
from ..workers import start_worker, stop_worker, wait_for, worker_env
from .object_storage import bucket_keys, local_files

pytestmark = pytest.mark.worker

PACKAGE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "fixtures"
    / "h5p"
    / "valid"
    / "H5P.TrueFalse.h5p"
)
TOWN = "test_kennedy"


@pytest.fixture
def committed_campus_course(object_storage, django_db_setup, django_db_blocker):
    """A campus course with an image and an H5P activity, committed."""
    if not PACKAGE.exists():
        pytest.skip(f"Falta {PACKAGE}: las pruebas H5P usan ../shared/fixtures.")
    suffix = uuid.uuid4().hex[:6]
    key, activity = f"nube-{suffix}", f"vf-nube-{suffix}"
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"].startswith("test_")
        with tenants_api.in_locality("campus"):
            image = make_image(f"Mapa nube {suffix}")
            h5p_api.upload_package(
                PACKAGE.read_bytes(),
                name=PACKAGE.name,
                may_add_libraries=True,
                key=activity,
            )
            courses_api.create_course("Datos abiertos en la nube", key=key)
            module = courses_api.add_module(key, "Módulo 1", key=f"{key}-m1")
            courses_api.add_lesson(
                module,
                "Lección con imagen y actividad",
                key=f"{key}-l1",
                body=[
                    ("figure", {"image": image.pk, "alt_text": "Mapa", "caption": ""}),
                    ("h5p", h5p_api.content_id(activity)),
                ],
            )
        with tenants_api.in_public_schema():
            name = f"nube-{suffix}"
            person = get_user_model().objects.create_user(
                username=name, email=f"{name}@example.org", password="clave-segura-1"
            )
        connection.set_schema_to_public()
    yield key, activity, person
    with django_db_blocker.unblock():
        _clean(key, activity, person)


def _clean(key: str, activity: str, person) -> None:
    from wagtail.images import get_image_model

    from certificates.models import Certificate
    from courses.models import CoursePage
    from h5p.models import H5PContent, H5PLibrary
    from reporting.models import LearnerCourse, PersonSummary

    for schema in ("campus", TOWN):
        with tenants_api.in_locality(schema):
            Certificate.objects.filter(user_id=person.pk).delete()
            CoursePage.objects.filter(key=key).delete()
            H5PContent.objects.filter(key=activity).delete()
            H5PLibrary.objects.filter(contents__isnull=True).delete()
            get_image_model().objects.filter(title__startswith="Mapa nube").delete()
    with tenants_api.in_public_schema():
        LearnerCourse.objects.filter(user_id=person.pk).delete()
        PersonSummary.objects.filter(user_id=person.pk).delete()
    connection.set_schema_to_public()


def test_a_release_snapshot_names_storage_keys_never_local_paths(
    object_storage, in_campus
):
    """(Runs first: it also has pytest-django set up the test database.)"""
    from courses import publishing
    from courses.models import CoursePage

    image = make_image("Mapa de claves")
    courses_api.create_course("Claves", key="claves")
    module = courses_api.add_module("claves", "Módulo", key="claves-m1")
    courses_api.add_lesson(
        module,
        "Lección",
        key="claves-l1",
        body=[("figure", {"image": image.pk, "alt_text": "Mapa", "caption": ""})],
    )
    snapshot = publishing.snapshot_course(CoursePage.objects.get(key="claves"))
    (described,) = snapshot["media"].values()
    assert described["stored"] == f"{in_campus}/{image.file.name}"
    assert "path" not in described
    with tenants_api.open_media(described["stored"]) as handle:
        assert handle.read(4) == b"\x89PNG"


def test_release_and_certificate_by_a_worker_that_cannot_see_this_disk(
    object_storage,
    committed_campus_course,
    django_db_blocker,
    settings,
    tmp_path,
    monkeypatch,
):
    key, activity, person = committed_campus_course
    worker_root = tmp_path / "maquina-del-worker"
    with django_db_blocker.unblock():
        env = worker_env(
            **object_storage,
            LMS_TEST_MEDIA_ROOT=str(worker_root / "media"),
            LMS_TEST_PRIVATE_MEDIA_ROOT=str(worker_root / "private"),
        )
    queue = f"nube-{uuid.uuid4().hex[:8]}"
    worker = start_worker(
        env, tmp_path / "worker.log", args=("-Q", queue, "-n", f"{queue}@localhost")
    )
    log = lambda: (tmp_path / "worker.log").read_text()[-3000:]  # noqa: E731
    try:
        with django_db_blocker.unblock():
            with tenants_api.in_locality("campus"):
                # The outbox row stays unsent (no worker reads the default
                # queue here); the copy goes to this test's worker only.
                monkeypatch.setattr("tenants.outbox._send_one", lambda row_id: False)
                release = courses_api.release_course(key, schema_names=[TOWN])
                TaskOutbox.objects.filter(args__0=release.release_id).delete()
                from courses.tasks import copy_release_target

                copy_release_target.apply_async((release.release_id, TOWN), queue=queue)

            def released() -> bool:
                with tenants_api.in_locality("campus"):
                    return courses_api.get_release(release.release_id).status in (
                        "done",
                        "failed",
                    )

            wait_for(released, 180, lambda: "la publicación no terminó: " + log())
            with tenants_api.in_locality("campus"):
                done = courses_api.get_release(release.release_id)
            assert done.status == "done", (done.targets[0].message, log())

            with tenants_api.in_locality(TOWN):
                from wagtail.images import get_image_model

                copied = get_image_model().objects.get(title__startswith="Mapa nube")
                with default_storage.open(copied.file.name) as handle:
                    assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
                assert h5p_api.content_id(activity) is not None
                exported = h5p_api.export_package(activity)  # read back from S3
                assert exported[:2] == b"PK"
                from courses.models import CoursePage

                version = CoursePage.objects.get(key=key).version
                sent = issue_certificate_task.apply_async(
                    (person.pk, key, version, datetime.now(UTC).isoformat()),
                    queue=queue,
                )
            connection.set_schema_to_public()
            code = sent.get(timeout=120)
            with tenants_api.in_locality(TOWN):
                assert certificates_api.verify_code(code).is_valid
                certificate = certificates_api.get_certificate(code)
                pdf = certificates_api.certificate_pdf(
                    certificate.uuid, user_id=person.pk
                )
            connection.set_schema_to_public()
    finally:
        stop_worker(worker)
    assert pdf.startswith(b"%PDF")
    public = bucket_keys(object_storage)
    private = bucket_keys(object_storage, private=True)
    assert any(k.startswith(f"{TOWN}/original_images/") for k in public)
    assert any(k.startswith(f"{TOWN}/h5p/content/{activity}/") for k in public)
    assert any(k.startswith(f"{TOWN}/") and k.endswith(".pdf") for k in private)
    assert not any(k.endswith(".pdf") for k in public)
    # Nothing on either machine's disk: every byte went through the storage.
    assert local_files(worker_root, settings.MEDIA_ROOT) == []
