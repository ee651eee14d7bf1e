"""The UPZ map in headless Chromium: read and used with JavaScript off at 360 px
(tap a UPZ, the list shows its projects; the table opens), and axe-core finds
nothing critical or serious at 360 and 1280 px. Screenshots are kept under
``DATA_DIR/screenshots`` (``mapa-upz-*.png``) for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.db import connection

from monitoring import api
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

# Kennedy's official code (8) gives the locality its real UPZ and boundaries.
SPEC = LocalitySpec(
    schema_name="test_mapa_upz", name="Kennedy", slug="kennedy-mapa", code=8
)
HOST = "kennedy-mapa.localhost"
SCREENSHOTS = Path(django_settings.DATA_DIR) / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
# Projects per UPZ: Patio Bonito has the most, Timiza one, others none.
PROJECTS = {"UPZ82": 6, "UPZ46": 3, "UPZ80": 2, "UPZ48": 1}

pytestmark = [pytest.mark.browser, pytest.mark.django_db, needs_chromium]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        tenants_api.provision_locality(SPEC, domain=HOST)
        with tenants_api.in_locality(SPEC.schema_name):
            n = 0
            for upz, count in PROJECTS.items():
                for _ in range(count):
                    n += 1
                    api.create_project(
                        f"KEN-MAPA-{n:02d}",
                        f"Proyecto {n} de la {upz}",
                        line=list(api.InvestmentLine)[n % 5],
                        spending_concept="Dotación comunal",
                        budget="$ 100.000.000",
                        upz_code=upz,
                        status="en_ejecucion",
                        progress=str(10 * (n % 10)),
                    )
        connection.set_schema_to_public()
        try:
            with live_server() as port:
                yield f"http://{HOST}:{port}"
        finally:
            connection.set_schema_to_public()
            from tenants.models import Locality

            for locality in Locality.objects.filter(schema_name=SPEC.schema_name):
                locality.delete(force_drop=True)


def _blocking_axe_findings(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("critical", "serious")
    ]


def test_the_map_is_read_and_used_without_javascript_on_a_phone(site):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        context = new_context(browser, viewport=PHONE, java_script_enabled=False)
        page = context.new_page()
        problems = collect_problems(page)
        page.goto(site + "/seguimiento/")
        svg = page.locator("svg.map")
        box = svg.bounding_box()
        assert box["width"] >= 300  # the phone's width, not a thumbnail
        assert svg.locator("a").count() == 12  # Kennedy's 12 UPZ
        # A figure on each UPZ that has projects.
        assert sorted(svg.locator("text").all_text_contents()) == ["1", "2", "3", "6"]
        page.screenshot(path=SCREENSHOTS / "mapa-upz-360.png", full_page=True)

        # Tapping Patio Bonito lists its six projects only.
        svg.locator('a[href*="upz=UPZ82"]').click()
        page.wait_for_url("**upz=UPZ82**")
        cards = page.locator("#proyectos .card")
        assert cards.count() == 6
        assert all("UPZ82" in t for t in cards.locator("h2").all_inner_texts())
        assert page.locator("select#upz").input_value() == "UPZ82"
        page.screenshot(path=SCREENSHOTS / "mapa-upz-elegida-360.png", full_page=True)

        # The table opens with a tap (a <details>, no script) and filters too.
        page.locator(".map-table summary").click()
        table = page.locator(".map-table table")
        assert table.is_visible()
        assert "Castilla" in table.inner_text()
        table.screenshot(path=SCREENSHOTS / "mapa-upz-tabla-360.png")
        table.locator("a", has_text="Castilla").click()
        page.wait_for_url("**upz=UPZ46**")
        assert page.locator("#proyectos .card").count() == 3

        # Line and status filters are a plain form, sent without script.
        page.select_option("select#upz", "")
        page.select_option("select#estado", "terminado")
        page.locator("form.filters button[type=submit]").click()
        page.wait_for_url("**estado=terminado**")
        assert "No hay proyectos con esos filtros." in page.locator("main").inner_text()
        assert [p for p in problems if "favicon.ico" not in p] == []
        context.close()

        for viewport, name in ((PHONE, "360"), (DESKTOP, "1280")):
            context = new_context(browser, viewport=viewport)
            page = context.new_page()
            problems = collect_problems(page)
            page.goto(site + "/seguimiento/?upz=UPZ82")
            page.wait_for_load_state("networkidle")
            assert not page.evaluate(SCROLLS), name
            page.locator(".map-table summary").click()
            assert _blocking_axe_findings(page) == [], name
            page.screenshot(
                path=SCREENSHOTS / f"mapa-upz-axe-{name}.png", full_page=True
            )
            if viewport is DESKTOP:
                # At its own size on a desktop: not stretched across the page.
                assert page.locator("svg.map").bounding_box()["width"] <= 600
            assert [p for p in problems if "favicon.ico" not in p] == []
            context.close()
