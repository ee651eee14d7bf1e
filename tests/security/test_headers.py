"""Security headers: the site's Content-Security-Policy, the admin's additions,
and the headers Django's SecurityMiddleware adds, on real responses."""

from __future__ import annotations


def _directives(policy: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in policy.split(";"))
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def test_public_pages_allow_scripts_only_from_this_site(in_town_a, client_a):
    response = client_a.get("/certificados/verificar/")

    policy = _directives(response["Content-Security-Policy"])
    assert response.status_code == 200
    assert policy["script-src"] == "'self'"  # no inline script, no eval
    assert policy["object-src"] == "'none'"
    assert policy["default-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'self'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    # Lesson videos (Wagtail embeds) come from these providers only.
    assert policy["frame-src"].split() == [
        "'self'",
        "https://www.youtube.com",
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
    ]


def test_other_headers_from_the_security_middleware(in_town_a, client_a):
    response = client_a.get("/certificados/verificar/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_only_the_admin_gets_inline_scripts(in_town_a, client_a):
    admin = _directives(client_a.get("/admin/login/")["Content-Security-Policy"])
    site = _directives(client_a.get("/cuenta/ingresar/")["Content-Security-Policy"])

    assert admin["script-src"] == "'self' 'unsafe-inline'"
    assert site["script-src"] == "'self'"
    assert admin["object-src"] == site["object-src"] == "'none'"


def test_json_documents_get_the_policy_too(in_town_a, client_a):
    # Verifiers fetch these from anywhere (CORS), but nothing runs in them.
    response = client_a.get("/certificados/emisor/")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "script-src 'self'" in response["Content-Security-Policy"]
