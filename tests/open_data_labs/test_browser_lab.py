"""A learner analyses the real Registraduría file with the guided builder on a phone.

Chromium (Debian's, through Playwright) at 360 px: each step card is applied by
tapping «Aplicar»; after each step the table, the chart, the step's sentence and
its SQL change. The data is committed (the site runs on a server thread) and
removed at the end. Screenshots go to ``DATA_DIR/screenshots``.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client

from open_data_labs import api
from open_data_labs.models import Dataset, Snapshot
from tenants import api as tenants_api
from tenants.models import Domain, Locality
from tests.browser import CHROMIUM, chromium, collect_problems, live_server, new_context

from .conftest import REGISTRADURIA

HOST = "kennedy-lab.localhost"
SCREENSHOTS = Path(django_settings.DATA_DIR) / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Falta /usr/bin/chromium."),
    pytest.mark.skipif(not REGISTRADURIA.exists(), reason=f"Falta {REGISTRADURIA}."),
]


@pytest.fixture(scope="module")
def turned(django_db_setup, django_db_blocker, tmp_path_factory):
    """The Registraduría file in Kennedy, turned into one row per place (v2)."""
    folder = tmp_path_factory.mktemp("lab-browser")
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(django_settings, "MEDIA_ROOT", str(folder / "media"))
        patch.setattr(django_settings, "OPEN_DATA_CACHE_DIR", folder / "cache", False)
        # A second name for Kennedy that Chromium resolves by itself.
        with tenants_api.in_public_schema():
            Domain.objects.create(
                domain=HOST,
                tenant=Locality.objects.get(schema_name="test_kennedy"),
                is_primary=False,
            )
        with tenants_api.in_locality("test_kennedy"):
            key = f"registraduria-{uuid.uuid4().hex[:6]}"
            api.create_dataset("Senado 2018 por localidad", key=key)
            api.upload_snapshot(
                key, REGISTRADURIA.read_bytes(), filename=REGISTRADURIA.name
            )
            plan = api.suggest_turn(key, 1)
            api.turn_table(
                key,
                1,
                id_columns=plan.id_columns,
                value_columns=plan.value_columns,
                names_to="lugar",
                values_to="votos",
            )
        # A signed-in learner for the SQL editor: a committed session in Kennedy.
        with tenants_api.in_public_schema():
            learner = get_user_model().objects.create_user(
                username=f"lab-{key}", email=f"{key}@example.org", password="x-1-y-2-z"
            )
        with tenants_api.in_locality("test_kennedy"):
            client = Client(HTTP_HOST=HOST)
            client.force_login(learner)
            session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        connection.set_schema_to_public()
        try:
            with live_server() as port:
                yield {
                    "url": f"http://{HOST}:{port}",
                    "key": key,
                    "folder": folder,
                    "session": session,
                }
        finally:
            with tenants_api.in_locality("test_kennedy"):
                SessionStore(session_key=session).delete()
                get_user_model().objects.filter(pk=learner.pk).delete()
            with tenants_api.in_public_schema():
                get_user_model().objects.filter(pk=learner.pk).delete()
            with tenants_api.in_locality("test_kennedy"):
                # Version 2 points at version 1 (derived_from is protected).
                Snapshot.objects.filter(dataset__key=key, version=2).delete()
                Snapshot.objects.filter(dataset__key=key).delete()
                Dataset.objects.filter(key=key).delete()
            connection.set_schema_to_public()
            Domain.objects.filter(domain=HOST).delete()
            shutil.rmtree(folder, ignore_errors=True)


def _apply(page, step: str) -> None:
    with page.expect_navigation():
        page.click(f"#paso-{step} button[type=submit]")


def _first_cells(page) -> list[str]:
    return page.eval_on_selector_all(
        ".lab-table tbody tr", "rows => rows.map(r => r.cells[0].textContent)"
    )


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_learner_builds_the_null_votes_ranking_on_a_phone(turned, settings):
    # The module's files, not the per-test folders of conftest's autouse fixture.
    settings.MEDIA_ROOT = str(turned["folder"] / "media")
    settings.OPEN_DATA_CACHE_DIR = turned["folder"] / "cache"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    url = f"{turned['url']}/datos/{turned['key']}/v2/laboratorio/"
    with chromium() as browser:
        context = new_context(browser, viewport={"width": 360, "height": 740})
        page = context.new_page()
        problems = collect_problems(page)
        page.goto(url)
        assert _fits(page)
        assert len(_first_cells(page)) == 100  # all columns, first 100 rows

        # Step 2: only the null votes.
        first = page.locator("#paso-filtro .lab-filter").nth(0)
        first.locator("select[name=fc]").select_option("columna_1")
        first.locator("select[name=fo]").select_option("igual")
        first.locator("input[name=fv]").fill("Nulos")
        _apply(page, "filtro")
        assert len(_first_cells(page)) == 22  # 21 places and the city total
        assert "Deja las filas en que «columna_1» es igual a «Nulos»." in page.content()

        # Steps 3 to 5: one row per place, the sum of votes, largest first.
        page.check("#paso-grupos input[value=lugar]")
        page.select_option("#paso-calculo select[name=m]", "sumar")
        page.select_option("#paso-calculo select[name=mc]", "votos")
        page.select_option("#paso-orden select[name=o]", "__medida__")
        page.select_option("#paso-orden select[name=od]", "desc")
        _apply(page, "orden")
        # The city total is not a place: the data's flaw shows at the top.
        assert _first_cells(page)[0] == "Total Bogota"
        assert page.locator(".lab-chart svg").count() == 22
        page.screenshot(path=str(SCREENSHOTS / "lab-360-total.png"), full_page=True)

        # A second filter leaves the total out; Kennedy had the most null votes.
        second = page.locator("#paso-filtro .lab-filter").nth(1)
        second.locator("select[name=fc]").select_option("lugar")
        second.locator("select[name=fo]").select_option("distinto")
        second.locator("input[name=fv]").fill("Total Bogota")
        _apply(page, "filtro")
        cells = _first_cells(page)
        assert cells[0] == "KENNEDY" and "Total Bogota" not in cells
        assert "GROUP BY" in page.locator("#paso-grupos .lab-sql").inner_text()
        assert _fits(page)
        page.screenshot(path=str(SCREENSHOTS / "lab-360.png"), full_page=True)
        shared = page.url

        # Someone else opens the shared address: the same ranking.
        other = new_context(browser, viewport={"width": 1280, "height": 900})
        desk = other.new_page()
        desk.goto(shared)
        assert _first_cells(desk) == cells
        desk.screenshot(path=str(SCREENSHOTS / "lab-1280.png"), full_page=True)
        # Chromium asks for /favicon.ico by itself; the site has none.
        real = [
            p for p in problems if "favicon" not in p and "404 (Not Found)" not in p
        ]
        assert not real, problems


def test_a_signed_in_learner_writes_sql_on_a_phone(turned, settings):
    settings.MEDIA_ROOT = str(turned["folder"] / "media")
    settings.OPEN_DATA_CACHE_DIR = turned["folder"] / "cache"
    url = f"{turned['url']}/datos/{turned['key']}/v2/sql/"
    sql = (
        "SELECT lugar, votos FROM datos\n"
        "WHERE columna_1 = 'Nulos' AND lugar <> 'Total Bogota'\n"
        "ORDER BY votos DESC LIMIT 5"
    )
    with chromium() as browser:
        context = new_context(browser, viewport={"width": 360, "height": 740})
        context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": turned["session"],
                    "url": turned["url"],
                }
            ]
        )
        page = context.new_page()
        problems = collect_problems(page)
        page.goto(url)
        page.fill("textarea[name=q]", sql)
        with page.expect_navigation():
            page.click("form.lab-form button[type=submit]")
        assert _first_cells(page)[0] == "KENNEDY"
        assert page.locator(".lab-chart svg").count() == 5
        assert _fits(page)
        page.screenshot(path=str(SCREENSHOTS / "sql-360.png"), full_page=True)

        # A hostile query: refused in Spanish, the page still works.
        page.fill("textarea[name=q]", "SELECT * FROM read_csv('/etc/passwd')")
        with page.expect_navigation():
            page.click("form.lab-form button[type=submit]")
        alert = page.locator(".lab-error").inner_text()
        assert "no pueden abrir archivos" in alert
        assert _fits(page)
        page.screenshot(path=str(SCREENSHOTS / "sql-360-refused.png"), full_page=True)
        real = [
            p for p in problems if "favicon" not in p and "404 (Not Found)" not in p
        ]
        # The refused query answers 400 (a page with the message, not a failure).
        assert all("400" in p for p in real), problems
