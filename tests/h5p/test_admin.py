"""Admin upload: trainers install packages, facilitators cannot add libraries,
the form says whether malware scanning is on, refusals name file and fault."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from h5p import api

from .conftest import INVALID, VALID, needs_fixtures

pytestmark = needs_fixtures

ADD_URL = "/admin/snippets/h5p/h5pcontent/add/"


def package(name: str):
    path = next(p for p in VALID + INVALID if p.name == name)
    return SimpleUploadedFile(path.name, path.read_bytes(), "application/zip")


def post(client, person, name, **data):
    client.force_login(person)
    return client.post(ADD_URL, {"package": package(name), "title": "", **data})


def test_trainer_uploads_a_package(trainer, h5p_media, client_a):
    client_a.force_login(trainer)
    form = client_a.get(ADD_URL)
    assert form.status_code == 200
    assert "Análisis antivirus desactivado" in form.content.decode()
    response = post(client_a, trainer, "H5P.TrueFalse.h5p")
    assert response.status_code == 302, response.content.decode()[:2000]
    from h5p.models import H5PContent

    content = H5PContent.objects.get()
    assert content.title == "True/False Question"
    assert content.uploaded_by_id == trainer.pk
    assert api.get_content(content.key) is not None


def test_facilitator_cannot_bring_new_libraries(facilitator, h5p_media, client_a):
    response = post(client_a, facilitator, "H5P.Accordion.h5p")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Puede instalar librerías H5P" in page
    assert "FontAwesome-4.5" in page


def test_facilitator_may_reuse_stored_libraries(facilitator, h5p_media, client_a):
    api.upload_package(
        package("valid2.h5p").read(), name="valid2.h5p", may_add_libraries=True
    )
    response = post(client_a, facilitator, "long_content_file_name.h5p")
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("xss-svg.h5p", "content/images/xss.svg"),
        ("missing-preloaded-js.h5p", "H5P.GreetingCard-1.0/greetingcard.js"),
    ],
)
def test_refusal_is_shown_in_spanish(trainer, h5p_media, client_a, name, shown):
    response = post(client_a, trainer, name)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"No se aceptó el paquete «{name}»" in page
    assert shown in page
    assert not (h5p_media / "test_kennedy" / "h5p" / "content").exists() or not any(
        (h5p_media / "test_kennedy" / "h5p" / "content").iterdir()
    )


def test_the_list_shows_how_often_an_activity_failed_to_start(
    trainer, h5p_media, client_a, django_assert_max_num_queries
):
    from h5p.failures import record_start_failure

    for name in ("H5P.TrueFalse.h5p", "valid2.h5p"):
        api.upload_package(package(name).read(), name=name, may_add_libraries=True)
    broken = api.upload_package(
        package("H5P.Blanks.h5p").read(), name="b.h5p", may_add_libraries=True
    )
    for message in ("a", "a", "b"):
        record_start_failure(broken.key, message)
    client_a.force_login(trainer)
    client_a.get("/admin/snippets/h5p/h5pcontent/")  # warm the site caches
    with django_assert_max_num_queries(30) as queries:
        page = client_a.get("/admin/snippets/h5p/h5pcontent/").content.decode()
    assert "Fallos al iniciar" in page
    row = page[page.index("Fill in the Blanks") :]
    row = row[: row.index("</tr>")]
    assert ">3<" in row.replace(" ", "").replace("\n", "")
    assert len(queries) <= 30
