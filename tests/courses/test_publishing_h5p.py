"""An H5P activity in a campus lesson reaches the localities with the course."""

from __future__ import annotations

from pathlib import Path

import pytest

from courses import api
from courses.models import LessonPage
from h5p import api as h5p_api
from tenants import api as tenants_api

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "h5p" / "valid"


@pytest.fixture
def true_false_lesson(in_campus, settings, tmp_path):
    package = FIXTURES / "H5P.TrueFalse.h5p"
    if not package.exists():
        pytest.skip(f"Falta {package}: las pruebas H5P usan ../shared/fixtures.")
    settings.MEDIA_ROOT = tmp_path
    content = h5p_api.upload_package(
        package.read_bytes(), name=package.name, may_add_libraries=True, key="vf-fondos"
    )
    api.create_course("Presupuestos participativos", key="pp", completion_min_score=60)
    module = api.add_module("pp", "Las líneas de inversión", key="pp-m1")
    api.add_lesson(
        module,
        "Actividad: verdadero o falso",
        key="pp-vf",
        body=[("h5p", h5p_api.content_id(content.key))],
    )
    return content


def test_release_installs_the_activity_and_points_the_lesson_at_it(
    true_false_lesson, town_a, client_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        release = api.release_course("pp", schema_names=[town_a])
    done = api.run_release(release.release_id)
    assert done.targets[0].status == "done", done.targets[0].message

    with tenants_api.in_locality(town_a):
        local_id = h5p_api.content_id("vf-fondos")
        assert local_id is not None
        assert h5p_api.get_content("vf-fondos").main_library.startswith("H5P.TrueFalse")
        lesson = LessonPage.objects.get(key="pp-vf")
        assert lesson.body[0].block_type == "h5p"
        assert lesson.body[0].value.pk == local_id
        url = lesson.url
    page = client_a.get(url)
    assert page.status_code == 200
    assert "iframe" in page.text and "sandbox" in page.text

    # A second version reuses the installed activity instead of installing again.
    with tenants_api.in_locality("campus"):
        with django_capture_on_commit_callbacks(execute=False):
            again = api.release_course("pp", schema_names=[town_a])
        assert api.run_release(again.release_id).targets[0].status == "done"
    with tenants_api.in_locality(town_a):
        assert h5p_api.content_id("vf-fondos") == local_id
