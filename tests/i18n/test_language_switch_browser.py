"""The language switch in a real browser on a 360 px phone: a signed-in learner
switches a locality's home to English from the footer, stays on the same page,
reads the platform's own strings in English («Mi aprendizaje» → "My learning"),
finds another locality's site still in Spanish (the choice is a cookie of each
site, as sessions are), and switches back. Screenshots (360 and 1280 px) are
kept under ``DATA_DIR/screenshots``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection

from tenants import api as tenants_api
from tenants.data import LocalitySpec
from tenants.models import Locality
from tests.browser import (
    chromium,
    collect_problems,
    live_server,
    needs_chromium,
    new_context,
)

HOME = LocalitySpec(schema_name="test_lang_home", name="Usme", slug="usme-lang")
OTHER = LocalitySpec(schema_name="test_lang_other", name="Suba", slug="suba-lang")
HOSTS = {HOME: "usme-lang.localhost", OTHER: "suba-lang.localhost"}
PASSWORD = "clave-segura-1"
SCREENSHOTS = Path(django_settings.DATA_DIR) / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    needs_chromium,
]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """Two localities served live and a learner; all removed afterwards."""
    people = get_user_model().objects
    with django_db_blocker.unblock():
        for spec, host in HOSTS.items():
            tenants_api.provision_locality(spec, domain=host)
        with tenants_api.in_public_schema():
            learner = people.create_user(
                username="aprendiz-idioma",
                email="aprendiz-idioma@example.org",
                password=PASSWORD,
                first_name="Luz Marina",
            )
        connection.set_schema_to_public()
        try:
            with live_server() as port:
                yield {
                    "home": f"http://{HOSTS[HOME]}:{port}",
                    "other": f"http://{HOSTS[OTHER]}:{port}",
                    "learner": learner,
                }
        finally:
            connection.set_schema_to_public()
            # From a locality: the account's Wagtail profile lives in its schema.
            with tenants_api.in_locality(HOME.schema_name):
                people.filter(pk=learner.pk).delete()
            connection.set_schema_to_public()
            for locality in Locality.objects.filter(
                schema_name__in=[spec.schema_name for spec in HOSTS]
            ):
                locality.delete(force_drop=True)
            for spec in HOSTS:
                for root in (
                    django_settings.MEDIA_ROOT,
                    django_settings.PRIVATE_MEDIA_ROOT,
                ):
                    shutil.rmtree(Path(root) / spec.schema_name, ignore_errors=True)


def _choose(page, language: str) -> None:
    page.select_option("#idioma", language)
    with page.expect_navigation():
        page.click("form.language button[type=submit]")


def _menu_entries(page) -> list[str]:
    page.click("nav.account details.account-menu summary")
    return page.locator("nav.account details.account-menu li").all_inner_texts()


def test_a_learner_switches_the_locality_home_to_english_and_back(site):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        context = new_context(browser, viewport={"width": 360, "height": 740})
        page = context.new_page()
        page.set_default_timeout(30_000)
        problems = collect_problems(page)
        page.goto(site["home"] + "/cuenta/ingresar/")
        page.fill("input[name=username]", site["learner"].username)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("form [type=submit]")

        page.goto(site["home"] + "/")
        assert "Mi aprendizaje" in _menu_entries(page)
        assert page.locator("h2#cursos").inner_text() == "Cursos"

        _choose(page, "en")
        assert page.url == site["home"] + "/"
        assert page.locator("html").get_attribute("lang") == "en"
        entries = _menu_entries(page)
        assert "My learning" in entries and "Mi aprendizaje" not in entries
        assert page.locator("h2#cursos").inner_text() == "Courses"
        assert page.locator("label[for=idioma]").inner_text() == "Language"
        page.screenshot(path=SCREENSHOTS / "idioma-inicio-en-360.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 800})
        page.screenshot(path=SCREENSHOTS / "idioma-inicio-en-1280.png", full_page=True)
        page.set_viewport_size({"width": 360, "height": 740})

        page.goto(site["home"] + "/aprendizaje/")
        assert page.locator("h1").inner_text() == "My learning"

        page.goto(site["other"] + "/")
        assert page.locator("h2#cursos").inner_text() == "Cursos"

        page.goto(site["home"] + "/aprendizaje/")
        _choose(page, "es-co")
        assert page.url == site["home"] + "/aprendizaje/"
        assert page.locator("h1").inner_text() == "Mi aprendizaje"
        page.screenshot(path=SCREENSHOTS / "idioma-aprendizaje-es-360.png")
        context.close()
    assert problems == []
