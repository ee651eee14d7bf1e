"""The whole job of three people, in Chromium, at 360 x 740 and at 1280 x 800.

A facilitator opens a group and schedules an in-person session; a citizen
registers with consent, finds the course, enrolls in that group, reads a lesson,
answers an H5P activity, takes the quiz, checks in by the session's QR link,
completes the course, downloads the certificate and opens its verification page;
the facilitator sees the attendance by name; the manager opens the dashboard and
exports it as XLSX. Every page passes axe-core (no critical or serious finding),
fits the screen, logs no console error and stays under its weight budget.

The site runs on a server thread of this process, so the data is committed: a
locality is provisioned for the module and dropped at the end. Celery runs in
process (eager) in the schema of the request that queued the task. Screenshots go
to ``DATA_DIR/screenshots/journey-*.png``, and the table of axe findings and
weights per page to ``journey-<size>.txt`` beside them.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from itertools import pairwise
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.utils import timezone

from lms.learning import api as learning_api
from tenants import api as tenants_api
from tests.browser import chromium, needs_chromium

from .checks import Ledger, WatchedPage
from .setting import NEIGHBOURS, PASSWORD, SCREENSHOTS, SPEC, TRUE_FALSE, TYPED

VIEWPORTS = {
    "phone": {"width": 360, "height": 740},
    "desktop": {"width": 1280, "height": 800},
}
# Bytes on the wire per page (the budgets for lessons; the others are
# what a phone on a slow connection should be asked to load).
LESSON_BUDGET = 50_000
H5P_LESSON_BUDGET = 500_000
PAGE_BUDGET = 150_000
ADMIN_BUDGET = 300_000  # an admin page once Wagtail's scripts are cached

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    needs_chromium,
    pytest.mark.skipif(
        not TRUE_FALSE.exists(), reason="Faltan los paquetes H5P de ../shared."
    ),
]


def _shot(watched: WatchedPage, size: str, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    watched.page.screenshot(
        path=SCREENSHOTS / f"journey-{size}-{name}.png", full_page=True
    )


def _sign_in(watched: WatchedPage, site, email: str) -> None:
    watched.goto(site["url"] + "/cuenta/ingresar/")
    watched.page.fill("input[name=username]", email)
    watched.page.fill("input[name=password]", PASSWORD)
    watched.page.click("main form [type=submit]")
    watched.page.wait_for_load_state()


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_facilitator_citizen_and_manager_do_their_whole_job(site, size):
    viewport = VIEWPORTS[size]
    ledger = Ledger()
    group = f"Grupo del salón comunal ({size})"
    today = timezone.localdate()
    with chromium() as browser:
        # The facilitator opens a group and schedules today's session.
        staff = WatchedPage(browser, viewport, ledger)
        _sign_in(staff, site, "facilitadora-viaje@example.org")
        staff.goto(site["url"] + "/admin/grupos/nuevo/")
        page = staff.page
        page.select_option("select[name=course_key]", "viaje-pp")
        page.fill("input[name=name]", group)
        page.fill("input[name=starts_on]", today.isoformat())
        page.fill("input[name=ends_on]", (today + timedelta(days=30)).isoformat())
        page.fill("input[name=place]", "Salón comunal Boyacá Real")
        # Counted from here: the admin's scripts and styles are in the cache now.
        staff.start_counting()
        page.click("main form [type=submit]")
        page.wait_for_load_state()
        assert f"Grupo «{group}» abierto." in page.content()
        # Wagtail's own sidebar is left out of the tap-size check; the screen is ours.
        staff.check("grupos", max_bytes=ADMIN_BUDGET, tap_scope="main")
        _shot(staff, size, "grupos")
        _assert_apart(page.locator("section", has_text=group).locator(".button"))
        page.locator("tr, li, section", has_text=group).get_by_role(
            "link", name=re.compile("Programar sesión")
        ).first.click()
        page.wait_for_load_state()
        starts = timezone.localtime() - timedelta(minutes=10)
        page.fill("input[name=title]", "Taller: el ciclo del presupuesto")
        page.fill("input[name=starts_at]", starts.strftime("%Y-%m-%dT%H:%M"))
        page.fill(
            "input[name=ends_at]",
            (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        )
        page.click("main form [type=submit]")
        page.wait_for_load_state()
        assert "Sesión programada." in page.content()
        # She adds a neighbour by name, typed without accents.
        first, last = NEIGHBOURS[size]
        neighbour = f"{first} {last}"
        page.locator("section", has_text=group).get_by_role(
            "link", name="Agregar personas"
        ).click()
        page.wait_for_load_state()
        page.fill("#people-q", TYPED[size])
        page.locator("#main").get_by_role("button", name="Buscar").click()
        page.wait_for_load_state()
        staff.start_counting()
        page.locator("tr", has_text=neighbour).get_by_role("button").click()
        page.wait_for_load_state()
        members = page.locator(
            "table", has=page.get_by_role("columnheader", name="Estado")
        )
        assert "En el grupo" in members.locator("tr", has_text=neighbour).inner_text()
        staff.check("agregar-personas", max_bytes=ADMIN_BUDGET, tap_scope="main")
        _shot(staff, size, "agregar-personas")

        # The citizen registers with consent on the locality's site.
        citizen = WatchedPage(browser, viewport, ledger, accept_downloads=True)
        me = citizen.page
        citizen.goto(site["url"] + "/")
        citizen.check("inicio", max_bytes=PAGE_BUDGET)
        assert me.evaluate(MISPLACED_LABELS) == []
        _shot(citizen, size, "inicio")
        citizen.start_counting()
        me.get_by_role("link", name="Crear cuenta").first.click()
        me.wait_for_load_state()
        citizen.check("registro", max_bytes=PAGE_BUDGET)
        email = f"ciudadana-viaje-{size}@example.org"
        me.fill("input[name=first_name]", "Yolanda")
        me.fill("input[name=last_name]", "Mosquera Ríos")
        me.fill("input[name=email]", email)
        me.select_option("select[name=document_type]", label="Cédula de ciudadanía")
        me.fill("input[name=document_number]", "52" + str(len(size)) + "9988776")
        me.select_option("select[name=residence]", label=SPEC.name)
        me.fill("input[name=birth_date]", date(1988, 3, 14).isoformat())
        me.fill("input[name=password1]", "una-clave-larga-2026")
        me.fill("input[name=password2]", "una-clave-larga-2026")
        me.check("input[name=accepts_policy]")
        citizen.start_counting()
        me.click("main form [type=submit]")
        me.wait_for_load_state()
        assert "Le damos la bienvenida" in me.content(), me.inner_text("main")
        citizen.check("mis-datos", max_bytes=PAGE_BUDGET)

        # She finds the course from the home page and enrolls in the group.
        citizen.goto(site["url"] + "/")
        citizen.start_counting()
        me.get_by_role(
            "link", name="Presupuestos participativos en el barrio"
        ).first.click()
        me.wait_for_load_state()
        citizen.check("curso", max_bytes=PAGE_BUDGET)
        choice = me.locator("select[name=cohort] option", has_text=group)
        me.select_option("select[name=cohort]", value=choice.get_attribute("value"))
        citizen.start_counting()
        me.get_by_role("button", name=re.compile("Inscrib")).click()
        me.wait_for_load_state()
        assert "su inscripción en el curso quedó hecha" in me.content()
        plan = me.locator(".group-plan").inner_text()
        assert f"Su grupo: {group}" in plan
        assert "Próxima sesión: Taller: el ciclo del presupuesto" in plan
        _shot(citizen, size, "curso-inscrita")

        # A text lesson, then the H5P activity, then the quiz.
        citizen.start_counting()
        me.get_by_role("link", name=re.compile("Empezar|Continuar")).first.click()
        me.wait_for_load_state()
        assert "La ciudadanía decide la mitad" in me.content()
        citizen.check("leccion", max_bytes=LESSON_BUDGET)
        _shot(citizen, size, "leccion")
        citizen.start_counting()
        with me.expect_navigation():
            me.click("a[rel=next]")
        frame = _h5p_frame(me)
        frame.locator(".h5p-true-false-answer").first.click()
        check = frame.locator(".h5p-question-check-answer")
        assert check.inner_text().strip() == "Comprobar"  # the player speaks Spanish
        check.click()
        me.locator("[data-h5p-status]", has_text="guardado").wait_for()
        citizen.check("leccion-h5p", max_bytes=H5P_LESSON_BUDGET)
        _shot(citizen, size, "leccion-h5p")
        citizen.start_counting()
        # By keyboard: the player's frame still resizes after answering, and a
        # click aimed at a moving link may land beside it.
        me.locator("a[rel=next]").focus()
        with me.expect_navigation():
            me.keyboard.press("Enter")
        me.get_by_label("La mitad").check()
        me.get_by_role("button", name=re.compile("Enviar|Responder")).click()
        me.wait_for_load_state()
        assert "Aprobó" in me.content() or "aprobó" in me.content()
        citizen.check("quiz", max_bytes=LESSON_BUDGET)
        _shot(citizen, size, "quiz")

        # At the session she scans the QR; the link it holds signs her in.
        with site["blocker"].unblock(), tenants_api.in_locality(SPEC.schema_name):
            session = learning_api.list_upcoming_sessions(_user_id(email))[0]
            token = learning_api.qr_token(session.session_id)
        connection.set_schema_to_public()
        citizen.goto(f"{site['url']}/aprendizaje/asistencia/{token}/")
        citizen.check("asistencia-qr", max_bytes=PAGE_BUDGET)
        citizen.start_counting()
        me.get_by_role("button", name=re.compile("Confirmar")).click()
        me.wait_for_load_state()
        assert "Quedó registrada su asistencia" in me.content()

        # Attendance completes the course: the certificate is issued (Celery).
        citizen.goto(site["url"] + "/certificados/mis-certificados/")
        assert "Presupuestos participativos en el barrio" in me.content()
        citizen.check("mis-certificados", max_bytes=PAGE_BUDGET)
        _shot(citizen, size, "mis-certificados")
        with me.expect_download() as download:
            me.get_by_role("link", name=re.compile("PDF")).first.click()
        assert download.value.path().read_bytes().startswith(b"%PDF")
        # The link is the public address (LOCALITY_SITE_URL, no test port): its
        # path is opened on this server.
        verify = me.get_by_role("link", name=re.compile("[Vv]erific")).first
        citizen.goto(site["url"] + urlsplit(verify.get_attribute("href")).path)
        assert "válido" in me.content().lower()
        citizen.check("verificacion", max_bytes=PAGE_BUDGET)
        _shot(citizen, size, "verificacion")

        # The facilitator sees her by name on the session's attendance page.
        staff.goto(
            f"{site['url']}/aprendizaje/sesiones/{session.session_id}/asistencia/"
        )
        assert "Yolanda Mosquera Ríos" in staff.page.content()
        assert "(1 presente)" in staff.page.content()
        # The QR renews by script: a reload would drop the boxes being ticked.
        assert staff.page.locator("meta[http-equiv=refresh i]").count() == 0
        # ...and ticks the neighbour she added, who came without a phone.
        staff.page.get_by_label(neighbour).check()
        staff.start_counting()
        staff.page.get_by_role("button", name="Guardar asistencia").click()
        staff.page.wait_for_load_state()
        assert "1 asistencia nueva guardada." in staff.page.content()
        assert "(2 presentes)" in staff.page.content()
        staff.check("asistencia", max_bytes=PAGE_BUDGET)
        _shot(staff, size, "asistencia")

        # The manager opens the locality dashboard and exports it.
        manager = WatchedPage(browser, viewport, ledger, accept_downloads=True)
        _sign_in(manager, site, "gestor-viaje@example.org")
        manager.goto(site["url"] + "/tablero/")
        manager.check("tablero", max_bytes=PAGE_BUDGET)
        _shot(manager, size, "tablero")
        with manager.page.expect_download() as download:
            manager.page.get_by_role(
                "link", name=re.compile("XLSX|Excel")
            ).first.click()
        _assert_workbook_has_rows(download.value.path().read_bytes())
    # The table of weights and axe findings per page, for the closing note.
    (SCREENSHOTS / f"journey-{size}.txt").write_text(ledger.table() + "\n")


# Catalog filters whose label is not right above its field (ids): a grid once
# put labels over other fields.
MISPLACED_LABELS = """
() => [...document.querySelectorAll("form.filters label")].filter((label) => {
  const text = label.getBoundingClientRect();
  const field = document.getElementById(label.htmlFor).getBoundingClientRect();
  const below = field.top >= text.bottom - 1 && field.top - text.bottom < 16;
  return !(below && field.left < text.right && text.left < field.right);
}).map((label) => label.htmlFor)
"""


def _assert_apart(buttons) -> None:
    """Buttons side by side or wrapped, never touching or overlapping; a
    wrapped one starts at the left edge, not indented by the space between."""
    boxes = [buttons.nth(i).bounding_box() for i in range(buttons.count())]
    lefts = [b["x"] for b in boxes]
    for one, other in pairwise(boxes):
        if other["y"] >= one["y"] + one["height"]:  # wrapped to a new line
            assert other["y"] - (one["y"] + one["height"]) >= 4, boxes
            assert abs(other["x"] - min(lefts)) < 1, boxes
        else:
            assert other["x"] - (one["x"] + one["width"]) >= 4, boxes


def _h5p_frame(page):
    page.wait_for_selector("iframe")
    for _ in range(100):
        for frame in page.frames:
            if frame.locator(".h5p-true-false-answer").count():
                return frame
        page.wait_for_timeout(200)
    raise AssertionError("La actividad H5P no apareció en la lección.")


def _user_id(email: str) -> int:
    from django.contrib.auth import get_user_model

    with tenants_api.in_public_schema():
        return get_user_model().objects.get(email=email).pk


def _assert_workbook_has_rows(data: bytes) -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    rows = [
        row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
    ]
    assert len(rows) > 1, rows
