"""The short way (monitoring/fast_path.py): an anonymous read of a kept page or
download gets the same answer as through the whole middleware stack (body but
the CSRF token, status, every header), and everything else goes the whole way."""

from __future__ import annotations

import gzip
import re

import pytest
from django.conf import settings
from django.test import Client, override_settings

from lms.locality_roles.data import Role
from monitoring import fast_path

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
KEPT = (
    "/seguimiento/",
    "/seguimiento/?upz=UPZ82",
    "/seguimiento/proyectos/PP-001/",
    "/seguimiento/datos/proyectos.csv",
    "/seguimiento/datos/proyectos.json",
    "/seguimiento/datos/reportes.csv",
    "/seguimiento/datos/reportes.json",
    "/seguimiento/datos/ocds.json",
    "/seguimiento/datos/ocds/PP-001.json",
)
# Differ on every answer whatever the way: the request id, the masked token.
PER_ANSWER = {"X-Request-Id"}
WHOLE_WAY = [m for m in settings.MIDDLEWARE if m != fast_path.THIS]


def _took_the_short_way(response) -> bool:
    # The message store is set up by a middleware the short way leaves out.
    return not hasattr(response.wsgi_request, "_messages")


def _body(response) -> bytes:
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return TOKEN.sub(b"", body)


def _headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in PER_ANSWER}


def _cookies(response) -> dict[str, dict[str, str]]:
    # "expires" is the clock's second plus max-age: two answers a moment apart
    # may differ by one second there, so max-age (compared) stands for it.
    return {
        name: {k: v for k, v in morsel.items() if v and k != "expires"}
        | {"set": bool(morsel.value)}
        for name, morsel in response.cookies.items()
    }


@pytest.mark.parametrize("gzip_taken", [True, False])
@pytest.mark.parametrize("path", KEPT)
def test_the_short_way_answers_as_the_whole_way(two_localities, path, gzip_taken):
    encoding = {"HTTP_ACCEPT_ENCODING": "gzip, deflate"} if gzip_taken else {}
    builder = Client(HTTP_HOST="kennedy.test")
    first = builder.get(path, **encoding)
    assert first.status_code == 200
    assert not _took_the_short_way(first)  # not kept yet: built the whole way
    short = Client(HTTP_HOST="kennedy.test").get(path, **encoding)
    assert _took_the_short_way(short)
    with override_settings(MIDDLEWARE=WHOLE_WAY):
        whole = Client(HTTP_HOST="kennedy.test").get(path, **encoding)
    assert not _took_the_short_way(whole)
    assert short.status_code == whole.status_code == 200
    assert _body(short) == _body(whole)
    assert _headers(short) == _headers(whole)
    assert _cookies(short) == _cookies(whole)
    for name in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy"):
        assert short[name] == whole[name]


def test_a_kept_page_keeps_the_visitors_own_csrf_cookie(two_localities):
    visitor = Client(HTTP_HOST="kennedy.test", enforce_csrf_checks=True)
    visitor.get("/seguimiento/")  # builds; sets the visitor's CSRF cookie
    cookie = visitor.cookies[settings.CSRF_COOKIE_NAME].value
    again = visitor.get("/seguimiento/")
    assert _took_the_short_way(again)
    # Django sends the cookie again (a fresh expiry), with the same secret.
    assert again.cookies[settings.CSRF_COOKIE_NAME].value == cookie
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', again.content)
    answer = visitor.post(
        "/i18n/setlang/",
        {
            "language": "en",
            "next": "/seguimiento/",
            "csrfmiddlewaretoken": token[1].decode(),
        },
    )
    assert answer.status_code == 302
    assert visitor.cookies[settings.CSRF_COOKIE_NAME].value == cookie


def test_the_language_chosen_picks_its_own_kept_page(two_localities):
    Client(HTTP_HOST="kennedy.test").get("/seguimiento/")
    english = Client(HTTP_HOST="kennedy.test")
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    built = english.get("/seguimiento/")
    assert not _took_the_short_way(built)  # the Spanish copy is not served
    assert built["Content-Language"] == "en"
    kept = english.get("/seguimiento/")
    assert _took_the_short_way(kept)
    assert kept["Content-Language"] == "en"
    assert _body(kept) == _body(built)


def test_signed_in_people_go_the_whole_way(two_localities, staff, make_person):
    Client(HTTP_HOST="kennedy.test").get("/seguimiento/proyectos/PP-001/")
    manager = make_person(first_name="Marisol")
    signed_in = staff(Role.LOCALITY_MANAGER, person=manager)
    page = signed_in.get("/seguimiento/proyectos/PP-001/")
    assert not _took_the_short_way(page)
    assert "Marisol" in page.text


def test_what_is_not_kept_goes_the_whole_way(two_localities):
    visitor = Client(HTTP_HOST="kennedy.test")
    for path in ("/seguimiento/?linea=no-existe", "/seguimiento/?otro=1"):
        visitor.get(path)
        assert not _took_the_short_way(visitor.get(path))  # rendered around parts
    missing = visitor.get("/seguimiento/proyectos/NO-EXISTE/")
    missing_again = visitor.get("/seguimiento/proyectos/NO-EXISTE/")
    assert missing.status_code == missing_again.status_code == 404
    assert not _took_the_short_way(missing_again)
    assert visitor.get("/seguimiento/datos/ocds/NO-EXISTE.json").status_code == 404
    campus = Client(HTTP_HOST="campus.test")
    assert campus.get("/seguimiento/").status_code == 404
