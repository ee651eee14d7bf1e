"""The whole civic chain in Chromium: a citizen on a 360 px phone completes the
participatory-budgeting course, is told she may apply, applies, the locality
manager draws the lottery in the admin, she is selected, downloads her role
credential, and the independent verifier (Digital Bazaar's, in Node) accepts it
with the issuer profile and status list fetched from the site over HTTP. She
leaves the role; the same verifier then finds the credential revoked.

The site runs on a server thread of this process with its own connections, so
the data is committed; a locality is provisioned for the test and dropped at the
end, with the city-wide rows its events wrote. Celery tasks run in process
(eager, through the outbox), in the schema of the request that queued them.
Screenshots (360 px for the citizen, 1280 px for the manager) go to
``DATA_DIR/screenshots``.
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from certificates import api as certificates_api
from certificates.data import CertificateState
from courses import api as courses_api
from lms.celery import app as celery_app
from lms.locality_roles import api as roles_api
from participation import api
from tenants import api as tenants_api
from tenants.data import LocalitySpec
from tests.browser import (
    SCROLLS,
    chromium,
    collect_problems,
    live_server,
    needs_chromium,
    new_context,
)
from tests.certificates import conformance

SPEC = LocalitySpec(schema_name="test_roles_journey", name="Fontibón", slug="fontibon")
HOST = "fontibon-roles.localhost"
PASSWORD = "clave-segura-1"
SCREENSHOTS = Path(django_settings.DATA_DIR) / "screenshots"
PHONE = {"width": 360, "height": 740}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    needs_chromium,
]


def _account(people, name: str, **fields):
    return people.create_user(
        username=name, email=f"{name}@example.org", password=PASSWORD, **fields
    )


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """A locality with a lottery role, a certified citizen and another applicant."""
    from django.contrib.auth import get_user_model

    people = get_user_model().objects
    eager = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    today = timezone.localdate()
    with django_db_blocker.unblock():
        tenants_api.provision_locality(SPEC, domain=HOST)
        with tenants_api.in_public_schema():
            citizen = _account(
                people, "ciudadana-rol", first_name="Luz Marina", last_name="Rojas",
                birth_date=date(1990, 5, 2), residence_locality_id=SPEC.schema_name,
            )  # fmt: skip
            other = _account(
                people, "vecino-rol", first_name="Jairo", last_name="Peña",
                birth_date=date(1985, 1, 9), residence_locality_id=SPEC.schema_name,
            )  # fmt: skip
            manager = _account(people, "gestora-rol", first_name="Ana", last_name="Gil")
        with tenants_api.in_locality("campus"):
            api.save_role_template(
                "delegado-recorrido",
                kind=api.RoleKind.BUDGET_DELEGATE,
                title="Delegado/a de presupuestos participativos",
                min_age=18,
                minors_from=14,
                required_courses=["pp-recorrido"],
                selection_mode=api.SelectionMode.LOTTERY,
            )
        with tenants_api.in_locality(SPEC.schema_name):
            roles_api.grant_role(manager.pk, roles_api.Role.LOCALITY_MANAGER)
            course = courses_api.create_course(
                "Presupuestos participativos", key="pp-recorrido"
            )
            courses_api.add_module(course.key, "La ciudadanía decide", key="pp-r-m")
            courses_api.add_lesson(
                "pp-r-m",
                "Cómo se priorizan los proyectos",
                key="pp-r-l",
                body=[("text", "<p>La ciudadanía prioriza la inversión local.</p>")],
            )
            [listed] = [c for c in courses_api.list_catalog() if c.key == course.key]
            cycle = api.create_cycle(
                "Presupuestos participativos 2027",
                applications_open=today - timedelta(days=1),
                applications_close=today + timedelta(days=10),
                service_starts=today + timedelta(days=30),
                service_ends=today + timedelta(days=400),
            )
            role = api.open_role(
                cycle.cycle_id,
                "delegado-recorrido",
                seats=1,
                investment_line=api.InvestmentLine.INFRASTRUCTURE,
            )
            # The other applicant's certificate is issued here (committed: the
            # index and the standing follow); the citizen earns hers in Chromium.
            certificates_api.issue_certificate(
                other.pk,
                course_key=course.key,
                course_version=course.version,
                completed_at=datetime.now(UTC),
            )
            api.apply(
                other.pk, role.role_id, motivation="", declares_no_impediment=True
            )
        connection.set_schema_to_public()
        try:
            with live_server() as port:
                yield {
                    "url": f"http://{HOST}:{port}",
                    "port": port,
                    "course_url": urlsplit(listed.url).path,
                    "citizen": citizen,
                    "other": other,
                    "manager": manager,
                    "role": role,
                }
        finally:
            celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = (
                eager
            )
            _clean_up(people, [citizen.pk, other.pk, manager.pk])


def _clean_up(people, user_ids: list[int]) -> None:
    from participation.citywide.models import CertifiedCourse
    from reporting.models import LearnerCourse, LearnerDay, PersonProfile, PersonSummary
    from tenants.models import Locality

    connection.set_schema_to_public()
    # The selection's event marked the citizen «in a role» in the city tables.
    for model in (LearnerCourse, LearnerDay, PersonSummary, PersonProfile):
        model.objects.filter(user_id__in=user_ids).delete()
    CertifiedCourse.objects.filter(schema_name=SPEC.schema_name).delete()
    with tenants_api.in_locality("campus"):
        from participation.models import RoleTemplate

        RoleTemplate.objects.filter(key="delegado-recorrido").delete()
    with tenants_api.in_locality(SPEC.schema_name):  # their rows there go too
        people.filter(pk__in=user_ids).delete()
    connection.set_schema_to_public()
    for locality in Locality.objects.filter(schema_name=SPEC.schema_name):
        locality.delete(force_drop=True)
    for root in (django_settings.MEDIA_ROOT, django_settings.PRIVATE_MEDIA_ROOT):
        shutil.rmtree(Path(root) / SPEC.schema_name, ignore_errors=True)


def _signed_in(browser, site, username: str, viewport):
    context = new_context(browser, viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(site["url"] + "/cuenta/ingresar/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_load_state()
    page.problems = collect_problems(page)
    return page


def _real(problems: list[str]) -> list[str]:
    # Browsers ask for /favicon.ico on their own; the platform has none yet.
    return [p for p in problems if "favicon.ico" not in p]


def _seed_that_selects(role_id: int, application_id: int) -> str:
    """A published seed under which the draw picks this application (anyone can
    check it: the draw is a pure function of the seed and the applicants)."""
    with tenants_api.in_locality(SPEC.schema_name):
        entries = api.lottery_entries(role_id)
    for n in range(1, 50):
        seed = f"sorteo-fontibon-2027-{n}"
        if api.draw(entries, seats=1, quotas={}, seed=seed).selected == (
            application_id,
        ):
            return seed
    raise AssertionError("Ninguna semilla de prueba selecciona la postulación.")


def _served(site, url: str) -> dict:
    """A document the credential names (issuer profile, status list), fetched
    from the running site over HTTP as any verifier would (the public address
    has no test port: its path is asked of this server, under the site's host)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{site['port']}{urlsplit(url).path}",
        headers={"Host": HOST, "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def _independent_verdict(site, credential: dict) -> dict:
    """The Node verifier the certificate tests use (``make verifier``), fed the
    documents this credential points to."""
    issuer = credential["issuer"]
    issuer_url = issuer["id"] if isinstance(issuer, dict) else issuer
    status_url = credential["credentialStatus"]["statusListCredential"]
    documents = {url: _served(site, url) for url in (issuer_url, status_url)}
    return conformance._node(
        "verify.mjs", {"credential": credential, "documents": documents}
    )


def test_a_citizen_completes_the_course_is_drawn_and_gets_a_credential_that_verifies(
    site,
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    role = site["role"]
    with chromium() as browser:
        phone = _signed_in(browser, site, "ciudadana-rol@example.org", PHONE)
        # She enrolls in the participatory-budgeting course and reads its
        # lesson: the course is complete, the certificate issued (Celery).
        phone.goto(site["url"] + site["course_url"])
        with phone.expect_navigation():
            phone.get_by_role("button", name="Inscribirme").click()
        with phone.expect_navigation():
            phone.get_by_role(
                "link", name=re.compile("Empezar|Continuar")
            ).first.click()
        assert "La ciudadanía prioriza la inversión local." in phone.content()
        phone.goto(site["url"] + site["course_url"])
        assert "Curso aprobado" in phone.content(), phone.inner_text("main")
        assert not phone.evaluate(SCROLLS)
        phone.screenshot(path=SCREENSHOTS / "rol-0-curso-360.png", full_page=True)
        # «Mi aprendizaje» tells her once that she may apply, with a link.
        phone.goto(site["url"] + "/aprendizaje/")
        notice = phone.get_by_text("Ya puede postularse", exact=False).first
        assert notice.is_visible()
        assert not phone.evaluate(SCROLLS)
        phone.screenshot(path=SCREENSHOTS / "rol-1-aviso-360.png", full_page=True)
        phone.goto(site["url"] + f"/participacion/roles/{role.role_id}/")
        assert "Vive en esta localidad." in phone.content()
        # Without the declaration the application is refused, in Spanish.
        phone.fill("#motivation", "Quiero vigilar las obras de mi barrio.")
        phone.click("button:has-text('Enviar postulación')")
        refusal = phone.locator("p.notice.error").inner_text()
        assert "declaración" in refusal.lower(), refusal
        phone.check("input[name=declaration]")
        phone.click("button:has-text('Enviar postulación')")
        phone.get_by_text("Recibimos su postulación.").wait_for()
        assert not phone.evaluate(SCROLLS)
        phone.screenshot(path=SCREENSHOTS / "rol-2-postulada-360.png", full_page=True)

        with tenants_api.in_locality(SPEC.schema_name):
            [mine] = [
                a
                for a in api.applications_of(site["citizen"].pk)
                if a.role_id == role.role_id
            ]
        seed = _seed_that_selects(role.role_id, mine.application_id)

        admin = _signed_in(
            browser, site, "gestora-rol@example.org", {"width": 1280, "height": 800}
        )
        admin.goto(site["url"] + f"/admin/participacion/roles/{role.role_id}/")
        assert "Luz Marina Rojas" in admin.content()
        admin.fill("#seed", seed)
        admin.click("button:has-text('Hacer el sorteo')")
        admin.get_by_text("Sorteo hecho: 1 persona seleccionada.").wait_for()
        admin.screenshot(path=SCREENSHOTS / "rol-3-sorteo-1280.png", full_page=True)
        assert _real(admin.problems) == []
        admin.context.close()

        phone.goto(site["url"] + f"/participacion/roles/{role.role_id}/")
        assert "Estado: Seleccionada" in phone.content()
        with phone.expect_download() as download:
            phone.click("text=Descargar mi credencial del rol")
        credential = json.loads(Path(download.value.path()).read_text())
        assert not phone.evaluate(SCROLLS)
        phone.screenshot(path=SCREENSHOTS / "rol-4-credencial-360.png", full_page=True)
        # The credential she downloaded: the independent verifier accepts it.
        assert _independent_verdict(site, credential) == {
            "verified": True,
            "revoked": False,
            "errors": [],
        }

        # She leaves the role: the credential is revoked on the status list.
        phone.get_by_role("button", name="Retirar mi postulación").click()
        phone.get_by_text("Retiró su postulación.").wait_for()
        assert not phone.evaluate(SCROLLS)
        phone.screenshot(path=SCREENSHOTS / "rol-5-retirada-360.png", full_page=True)
        assert _real(phone.problems) == []
        phone.context.close()

    assert credential["credentialSubject"]["role"] == role.title
    after = _independent_verdict(site, credential)
    assert after["revoked"] is True and after["verified"] is False, after
    with tenants_api.in_locality(SPEC.schema_name):
        verdict = certificates_api.verify_credential(credential)
    assert verdict.state == CertificateState.REVOKED, verdict.reason
