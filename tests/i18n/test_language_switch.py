"""The footer's language switch changes the platform's own pages, not only Django's
and Wagtail's: the chosen page comes back, in English, and Spanish returns the same
way. Messages made in Python (a check-in's refusal) follow the choice too."""

from __future__ import annotations


def _choose(client, language: str, page: str):
    return client.post("/i18n/setlang/", {"language": language, "next": page})


def test_switching_to_english_keeps_the_page_and_translates_our_strings(
    in_town_a, client_a, make_person
):
    client_a.force_login(make_person(first_name="Ana"))
    spanish = client_a.get("/aprendizaje/")
    assert "<h1>Mi aprendizaje</h1>" in spanish.text

    chosen = _choose(client_a, "en", "/aprendizaje/")
    assert chosen.status_code == 302 and chosen.url == "/aprendizaje/"
    english = client_a.get("/aprendizaje/")
    assert '<html lang="en">' in english.text
    assert "<h1>My learning</h1>" in english.text
    assert "Upcoming in-person sessions" in english.text
    assert "Mi aprendizaje" not in english.text
    home = client_a.get("/")
    assert "Courses" in home.text and "My certificates" in home.text

    _choose(client_a, "es-co", "/aprendizaje/")
    back = client_a.get("/aprendizaje/")
    assert '<html lang="es-co">' in back.text
    assert "<h1>Mi aprendizaje</h1>" in back.text and "My learning" not in back.text


def test_messages_made_in_python_follow_the_chosen_language(
    in_town_a, client_a, make_person
):
    """A refusal raised by the learning records (a scanned code that is no
    session's) reads in the language the person chose."""
    client_a.force_login(make_person())
    check_in = "/aprendizaje/asistencia/no-es-un-codigo/"
    _choose(client_a, "en", check_in)
    refused = client_a.post(check_in)
    assert refused.status_code == 400
    assert "scan the code your facilitator shows." in refused.text
    _choose(client_a, "es-co", check_in)
    refused = client_a.post(check_in)
    assert "escanee el código que muestra quien facilita la sesión" in refused.text


def test_an_unknown_language_leaves_spanish(in_town_a, client_a):
    client_a.cookies["django_language"] = "fr"
    page = client_a.get("/")
    assert '<html lang="es-co">' in page.text and "Cursos" in page.text
