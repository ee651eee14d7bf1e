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


def test_the_kept_policy_is_the_one_django_csp_builds(in_town_a, client_a):
    # The site's policy is built once per process (lms/portal/security.py);
    # it must be the header django-csp would write, for the site and the admin.
    from csp.utils import build_policy
    from django.conf import settings

    site = client_a.get("/cuenta/ingresar/")["Content-Security-Policy"]
    again = client_a.get("/certificados/verificar/")["Content-Security-Policy"]
    admin = client_a.get("/admin/login/")["Content-Security-Policy"]

    assert site == again == build_policy()
    assert admin == build_policy(update=settings.CONTENT_SECURITY_POLICY_ADMIN)


def test_a_changed_policy_setting_is_written_at_once(in_town_a, client_a, settings):
    client_a.get("/cuenta/ingresar/")  # the kept policy is built
    policy = dict(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"] = {
        **policy["DIRECTIVES"],
        "img-src": ["'self'", "data:", "blob:"],
    }
    settings.CONTENT_SECURITY_POLICY = policy
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "DIRECTIVES": {"default-src": ["'self'"]}
    }

    response = client_a.get("/cuenta/ingresar/")

    assert _directives(response["Content-Security-Policy"])["img-src"] == (
        "'self' data: blob:"
    )
    assert response["Content-Security-Policy-Report-Only"] == "default-src 'self'"
