"""The account pages over HTTP, on a locality's host."""

from __future__ import annotations

import json
import re

from django.contrib.auth import get_user_model
from django.core import mail

from lms.accounts import api
from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from tenants import api as tenants_api

FORM = {
    "first_name": "Camila",
    "last_name": "Suárez",
    "email": "camila@example.org",
    "document_type": "CC",
    "document_number": "1.012.345.678",
    "residence": "test_bosa",
    "birth_date": "2000-01-15",
    "password1": "una-clave-larga-77",
    "password2": "una-clave-larga-77",
    "accepts_policy": "on",
}


def test_register_verify_and_sign_in_with_email(
    db, client_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post("/cuenta/registro/", FORM)
    assert response.status_code == 302 and response["Location"] == "/cuenta/mis-datos/"
    assert len(mail.outbox) == 1
    # Welcomed without assuming a gender («Bienvenida o bienvenido» did).
    welcome = client_a.get("/cuenta/mis-datos/").text
    assert "Le damos la bienvenida." in welcome and "o bienvenido" not in welcome
    link = re.search(
        r"http://kennedy\.test(/cuenta/verificar/\S+/)", mail.outbox[0].body
    )
    assert link, mail.outbox[0].body
    assert "Correo confirmado" in client_a.get(link.group(1)).text
    assert get_user_model().objects.get(email="camila@example.org").email_verified_at

    client_a.post("/cuenta/salir/")
    signed = client_a.post(
        "/cuenta/ingresar/",
        {"username": "CAMILA@example.org", "password": FORM["password1"]},
    )
    assert signed.status_code == 302


def test_second_registration_with_same_document_explains_recovery_without_leaks(
    client_a, client_b, register
):
    register(document_number="1012345678", email="primera@example.org")
    page = client_b.post("/cuenta/registro/", FORM)
    assert page.status_code == 200
    assert "Este documento ya está registrado" in page.text
    assert "¿Olvidó su contraseña?" in page.text
    # Nothing about the existing account: not even a masked email.
    assert "p***@example.org" not in page.text
    assert "@example.org" not in page.text.replace(FORM["email"], "")


def test_registration_errors_are_in_spanish(db, client_a):
    bad = {
        **FORM,
        "birth_date": "2999-01-01",
        "password2": "otra",
        "accepts_policy": "",
    }
    page = client_a.post("/cuenta/registro/", bad)
    assert "Las dos contraseñas no coinciden" in page.text
    assert "Sin esta autorización no podemos crear la cuenta" in page.text
    assert not get_user_model().objects.filter(email="camila@example.org").exists()


def test_login_is_rate_limited_per_account(client_a, register):
    person = register()
    for _ in range(5):
        client_a.post(
            "/cuenta/ingresar/", {"username": person.email, "password": "mala"}
        )
    locked = client_a.post(
        "/cuenta/ingresar/", {"username": person.email, "password": "clave-segura-1"}
    )
    assert locked.status_code == 429
    assert "Demasiados intentos" in locked.text


def test_imported_person_activates_through_password_reset(db, client_a):
    api.import_participants(
        (
            "nombres,apellidos,correo,tipo_documento,numero_documento,localidad,fecha_nacimiento\n"
            "Rosa,Díaz,rosa@example.org,CC,41222333,Kennedy,1960-07-07\n"
        ).encode(),
        filename="jornada.csv",
    )
    client_a.post("/cuenta/clave/", {"email": "rosa@example.org"})
    assert len(mail.outbox) == 1
    path = re.search(
        r"http://kennedy\.test(/cuenta/clave/\S+/)", mail.outbox[0].body
    ).group(1)
    form = client_a.get(path, follow=True)
    done = client_a.post(
        form.redirect_chain[-1][0],
        {"new_password1": "rosa-nueva-clave-9", "new_password2": "rosa-nueva-clave-9"},
    )
    assert done.status_code == 302
    rosa = get_user_model().objects.get(email="rosa@example.org")
    assert rosa.has_usable_password() and rosa.email_verified_at is not None


def test_my_data_downloads_corrects_and_deletes(client_a, register):
    person = register()
    user = get_user_model().objects.get(pk=person.user_id)
    with tenants_api.in_locality("test_kennedy"):
        client_a.force_login(user)
    page = client_a.get("/cuenta/mis-datos/")
    assert page.status_code == 200 and person.document_number in page.text
    exported = json.loads(client_a.get("/cuenta/mis-datos/descargar.json").content)
    assert exported["cuenta"]["correo"] == person.email
    csv_text = client_a.get("/cuenta/mis-datos/descargar.csv").content.decode(
        "utf-8-sig"
    )
    assert csv_text.startswith("seccion,campo,valor")

    sensitive = client_a.post(
        "/cuenta/mis-datos/sensibles/",
        {"question": "genero", "action": "save", "genero-answer": "mujer"},
    )
    assert "necesitamos su autorización" in sensitive.text
    client_a.post(
        "/cuenta/mis-datos/sensibles/",
        {
            "question": "genero",
            "action": "save",
            "genero-answer": "mujer",
            "genero-consent": "on",
        },
    )
    assert api.sensitive_answers_of(person.user_id)
    client_a.post(
        "/cuenta/mis-datos/sensibles/", {"question": "genero", "action": "withdraw"}
    )
    assert api.sensitive_answers_of(person.user_id) == {}

    client_a.post("/cuenta/mis-datos/eliminar/", {"confirm": "no"})
    assert api.get_person(person.user_id).is_anonymized is False
    gone = client_a.post("/cuenta/mis-datos/eliminar/", {"confirm": "eliminar"})
    assert "Cuenta eliminada" in gone.text
    assert api.get_person(person.user_id).is_anonymized is True
    assert client_a.get("/cuenta/mis-datos/").status_code == 302  # signed out


def test_sensitive_questions_start_with_no_answer_chosen(client_a, register):
    person = register()
    user = get_user_model().objects.get(pk=person.user_id)
    with tenants_api.in_locality("test_kennedy"):
        client_a.force_login(user)
    url = "/cuenta/mis-datos/sensibles/"

    page = client_a.get(url).text
    radios = re.findall(r"<input [^>]*>", page)
    answers = [tag for tag in radios if 'type="radio"' in tag]
    # Six questions, each with «Prefiero no decir» among its radios; none checked.
    assert len(answers) >= 6 * 3
    assert page.count('value="prefiero_no_decir"') == 6
    assert not [tag for tag in answers if "checked" in tag]
    assert "<select" not in page.split("<footer")[0]  # (the language picker is)
    assert page.count("<legend>") == 6  # each group of radios has its question

    # Saving without choosing is refused with a message; nothing is stored.
    blank = client_a.post(
        url, {"question": "genero", "action": "save", "genero-consent": "on"}
    )
    assert "Elija una respuesta antes de guardar" in blank.text
    assert api.sensitive_answers_of(person.user_id) == {}

    # A chosen «Prefiero no decir» is stored and shown checked, the others not.
    client_a.post(
        url,
        {
            "question": "genero",
            "action": "save",
            "genero-answer": "prefiero_no_decir",
            "genero-consent": "on",
        },
    )
    assert api.sensitive_answers_of(person.user_id)
    checked = [
        t
        for t in re.findall(r"<input [^>]*>", client_a.get(url).text)
        if "checked" in t
    ]
    assert len(checked) == 1 and 'name="genero-answer"' in checked[0]
    assert 'value="prefiero_no_decir"' in checked[0]


def test_import_page_needs_the_role_in_this_locality(client_a, client_b, make_person):
    staff = make_person()
    with tenants_api.in_locality("test_kennedy"):
        roles_api.grant_role(staff.pk, Role.FACILITATOR)
        client_a.force_login(staff)
    with tenants_api.in_locality("test_bosa"):
        client_b.force_login(staff)
    assert client_b.get("/cuenta/importar/").status_code == 403
    assert client_a.get("/cuenta/importar/").status_code == 200

    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (
        "nombres,apellidos,correo,tipo_documento,numero_documento,localidad,fecha_nacimiento\n"
        "Rosa,Díaz,rosa2@example.org,CC,41222444,Kennedy,1960-07-07\n"
        "Malo,Malo,malo@example.org,CC,XX,Kennedy,1960-07-07\n"
    ).encode()
    preview = client_a.post(
        "/cuenta/importar/",
        {"action": "preview", "file": SimpleUploadedFile("jornada.csv", content)},
    )
    assert "Filas listas para importar: 1" in preview.text
    token = preview.context["token"]
    done = client_a.post("/cuenta/importar/", {"action": "import", "token": token})
    assert "Cuentas nuevas: 1" in done.text
    rejected = client_a.get(f"/cuenta/importar/{token}/rechazadas.csv")
    assert "Malo" in rejected.content.decode("utf-8-sig")


def test_a_new_verification_link_can_be_asked_for(
    client_a, register, django_capture_on_commit_callbacks
):
    person = register()
    user = get_user_model().objects.get(pk=person.user_id)
    with tenants_api.in_locality("test_kennedy"):
        client_a.force_login(user)
    assert "Enviarme otro enlace" in client_a.get("/cuenta/mis-datos/").text
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post("/cuenta/mis-datos/verificar/")
    assert len(mail.outbox) == 1 and person.email in mail.outbox[0].to


def test_policy_consent_is_recorded_linked_and_downloadable(db, client_a):
    form = client_a.get("/cuenta/registro/")
    assert 'href="/cuenta/politica-de-datos/"' in form.text
    policy = client_a.get("/cuenta/politica-de-datos/")
    assert policy.status_code == 200
    assert f"Versión {api.DATA_POLICY_VERSION}" in policy.text

    client_a.post("/cuenta/registro/", FORM)
    download = client_a.get("/cuenta/mis-datos/descargar.json").json()
    (consent,) = [
        a
        for a in download["autorizaciones"]
        if a.get("autorizacion") == "tratamiento_de_datos_personales"
    ]
    assert consent["version_politica"] == api.DATA_POLICY_VERSION
    assert consent["otorgada_en"] == "test_kennedy"
    assert consent["otorgada_el"] and consent["retirada_el"] is None
    page = client_a.get("/cuenta/mis-datos/").text
    assert f"(versión {api.DATA_POLICY_VERSION})" in page
    assert "elimine su cuenta" in page


def test_forgetting_a_person_removes_the_policy_consent(db, client_a):
    client_a.post("/cuenta/registro/", FORM)
    user = get_user_model().objects.get(email="camila@example.org")
    api.anonymize_person(user.pk)
    assert api.policy_acceptances_of(user.pk) == []
