"""Each locality's home page: Spanish, its own name, its courses, a sign-in link."""


def test_home_page_is_spanish_with_name_and_sign_in(db, client_a, client_b):
    page = client_a.get("/")
    assert page.status_code == 200
    assert '<html lang="es-co">' in page.text
    assert "<h1>Kennedy</h1>" in page.text
    assert "Cursos" in page.text
    assert 'href="/cuenta/ingresar/"' in page.text
    assert "<h1>Bosa</h1>" in client_b.get("/").text


def test_english_is_available(db, client_a):
    page = client_a.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in page.text
    assert "Sign in" in page.text or "Ingresar" in page.text


def test_sign_in_page_and_wrong_password_message(db, client_a, make_person):
    make_person(username="ana")
    form = client_a.get("/cuenta/ingresar/")
    assert form.status_code == 200
    wrong = client_a.post(
        "/cuenta/ingresar/", {"username": "ana", "password": "equivocada"}
    )
    assert wrong.status_code == 200
    assert "Por favor, introduzca un nombre de usuario y clave correctos" in wrong.text
    right = client_a.post(
        "/cuenta/ingresar/", {"username": "ana", "password": "clave-segura-1"}
    )
    assert right.status_code == 302
