"""Revoke and re-issue from the Wagtail admin; bulk re-issue shows its progress."""

from __future__ import annotations

import pytest

from certificates import api
from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from tests.assertions import assert_refused_by_admin


@pytest.fixture
def admin_a(client_a, make_person):
    client_a.force_login(make_person(is_staff=True, is_superuser=True))
    return client_a


def test_list_finds_by_name(certificate, admin_a):
    page = admin_a.get("/admin/certificados/", {"q": "Pérez"}).content.decode()

    assert certificate.code in page


def test_a_person_without_the_role_cannot_revoke(certificate, client_a, holder):
    # A facilitator reaches the admin and sees certificates, but may not revoke.
    roles_api.grant_role(holder.pk, Role.FACILITATOR)
    client_a.force_login(holder)
    assert client_a.get(f"/admin/certificados/{certificate.code}/").status_code == 200

    response = client_a.post(
        f"/admin/certificados/{certificate.code}/",
        {"action": "revoke", "reason": "x"},
    )

    assert_refused_by_admin(response)
    assert api.verify_code(certificate.code).is_valid


def test_revoke_then_replace_from_the_admin(certificate, admin_a):
    url = f"/admin/certificados/{certificate.code}/"

    no_reason = admin_a.post(url, {"action": "revoke", "reason": ""})
    assert "Escriba el motivo" in no_reason.content.decode()
    assert api.verify_code(certificate.code).is_valid

    admin_a.post(url, {"action": "revoke", "reason": "Documento equivocado"})
    assert not api.verify_code(certificate.code).is_valid

    response = admin_a.post(url, {"action": "reissue", "reason": "Corregido"})
    new_code = response.url.rstrip("/").rsplit("/", 1)[1]
    assert new_code != certificate.code
    assert api.verify_code(new_code).is_valid


def test_bulk_reissue_runs_and_shows_progress(
    certificate, admin_a, django_capture_on_commit_callbacks
):
    from lms.celery import app

    app.conf.task_always_eager = True  # the worker path is tested elsewhere
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_a.post(
                "/admin/certificados/reemision/", {"reason": "Plantilla corregida"}
            )
    finally:
        app.conf.task_always_eager = False

    status = admin_a.get(response.url).content.decode()
    assert "Terminada" in status
    assert "1 de 1 (100 %)" in status
