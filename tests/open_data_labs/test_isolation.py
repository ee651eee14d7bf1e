"""Kennedy's datasets stay in Kennedy: pages, admin screens and stored files."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from lms.locality_roles.api import Role, grant_role
from open_data_labs import api
from open_data_labs.models import Snapshot
from tenants import api as tenants_api

from .conftest import upload


@pytest.fixture
def kennedy_dataset(town_a):
    with tenants_api.in_locality(town_a):
        dataset = api.create_dataset("Solo Kennedy")
        upload(dataset.key, "lugar;votos\nKennedy;10\n")
        name = Snapshot.objects.get(dataset__key=dataset.key).storage_name
    return dataset.key, name


@pytest.mark.parametrize(
    "path", ["/datos/{key}/", "/datos/{key}/v1/", "/datos/{key}/v1/datos.parquet"]
)
def test_bosa_pages_do_not_show_kennedy_data(path, kennedy_dataset, client_b, town_b):
    key, _ = kennedy_dataset
    assert client_b.get(path.format(key=key)).status_code == 404
    assert "Solo Kennedy" not in client_b.get("/datos/").text


def test_kennedy_manager_has_no_data_screens_in_bosa(
    kennedy_dataset, town_a, town_b, make_person
):
    key, _ = kennedy_dataset
    person = make_person()
    with tenants_api.in_locality(town_a):
        grant_role(person.pk, Role.LOCALITY_MANAGER)
    kennedy, bosa = Client(HTTP_HOST="kennedy.test"), Client(HTTP_HOST="bosa.test")
    # Sessions live in each locality's schema: sign in on each site.
    with tenants_api.in_locality(town_a):
        kennedy.force_login(person)
    with tenants_api.in_locality(town_b):
        bosa.force_login(person)
    assert kennedy.get(f"/admin/datos/{key}/").status_code == 200
    for path in ("/admin/datos/", f"/admin/datos/{key}/", "/admin/datos/nuevo/"):
        response = bosa.get(path)
        # No role in Bosa: no admin there at all, so Wagtail asks to sign in.
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/login/"), path


def test_files_live_under_each_locality_prefix(kennedy_dataset, town_b, settings):
    key, name = kennedy_dataset
    assert (settings.MEDIA_ROOT / "test_kennedy" / name).is_file()
    with tenants_api.in_locality(town_b):
        assert not default_storage.exists(name)
        with pytest.raises(api.DatasetNotFound):
            api.snapshot_path(key, 1)


def test_same_key_in_two_localities_are_separate_datasets(kennedy_dataset, town_b):
    key, _ = kennedy_dataset
    with tenants_api.in_locality(town_b):
        bosa = api.create_dataset("Solo Kennedy")  # same title → same key, other schema
        assert bosa.key == key
        upload(key, "lugar;votos\nBosa;1\nBosa;2\n")
        assert api.get_snapshot(key).row_count == 2
        assert api.get_snapshot(key).version == 1
