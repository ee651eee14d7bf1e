"""Each locality's home page: Spanish, its own name, its courses, a sign-in link."""


def test_home_page_is_spanish_with_name_and_sign_in(db, client_a, client_b):
    page = client_a.get("/")
    assert page.status_code == 200
    assert '<html lang="es-co">' in page.text
    assert "<h1>Kennedy</h1>" in page.text
    assert "Cursos" in page.text
    assert 'href="/cuenta/ingresar/"' in page.text
    assert "<h1>Bosa</h1>" in client_b.get("/").text


def test_spanish_even_when_the_browser_asks_for_english(db, client_a):
    page = client_a.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="es-co">' in page.text
    admin_login = client_a.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert "Iniciar sesión" in admin_login.text
    assert "Sign in" not in admin_login.text


def test_english_is_available_by_choice(db, client_a):
    chosen = client_a.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert chosen.status_code == 302
    page = client_a.get("/")
    assert '<html lang="en">' in page.text
    admin_login = client_a.get("/admin/login/")
    assert "Sign in" in admin_login.text


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
