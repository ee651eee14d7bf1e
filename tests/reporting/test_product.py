"""What a manager reads: course titles (never keys) in filters, charts and
downloads, a gender select, names never cut in the charts, and small cells that
cannot be derived from a total."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from lms.learning import api as learning_api
from lms.locality_roles.api import Role, grant_role
from reporting import api, charts
from reporting.data import Row
from reporting.suppression import protect_column
from tenants import api as tenants_api

TITLE = "Datos abiertos para la veeduría ciudadana"


@pytest.fixture
def program_manager(make_person, campus):
    person = make_person()
    with tenants_api.in_locality(campus):
        grant_role(person.pk, Role.PROGRAM_MANAGER)
    return person


@pytest.fixture
def signed_in(client_campus, program_manager, campus):
    with tenants_api.in_locality(campus):
        client_campus.force_login(program_manager)
    return client_campus


def _titled_course(events, town_a, people=6):
    with tenants_api.in_locality(town_a):
        learning_api.set_course_rule(
            "datos-abiertos", version=1, title=TITLE, url="", lessons=[]
        )
    for user in range(1, people + 1):
        api.record_person_profile(user, gender="mujer")
        events.enroll(town_a, user, "datos-abiertos")


def test_titles_never_keys_in_filters_charts_and_downloads(events, town_a, signed_in):
    _titled_course(events, town_a)
    html = signed_in.get("/tablero/").content.decode()
    assert f'<option value="datos-abiertos">{TITLE}</option>' in html
    course_chart = re.search(
        r'<svg[^>]*aria-label="Personas formadas por curso".*?</svg>', html, re.S
    ).group(0)
    assert "Datos abiertos para la veeduría" in course_chart
    assert "datos-abiertos" not in course_chart
    # Only as the option's value: no key is shown as text anywhere.
    assert re.findall(r">[^<]*datos-abiertos[^<]*<", html) == []
    assert "test_kennedy" not in re.sub(r'(href|value)="[^"]*"', "", html)

    rows = list(csv.reader(io.StringIO(signed_in.get("/tablero/exportar.csv").text)))
    assert [TITLE, "6", "0", "0"] in rows
    flat = " ".join(" ".join(r) for r in rows)
    assert "datos-abiertos" not in flat and "test_kennedy" not in flat
    book = load_workbook(io.BytesIO(signed_in.get("/tablero/exportar.xlsx").content))
    assert [c.value for c in book["Cursos"][2]] == [TITLE, 6, 0, 0]
    values = [str(v) for s in book for r in s.iter_rows(values_only=True) for v in r]
    assert not any("datos-abiertos" in v or "test_kennedy" in v for v in values)

    # A course chosen in the filter is named by its title in the download too.
    chosen = signed_in.get("/tablero/exportar.csv?curso=datos-abiertos").text
    assert f"Curso,{TITLE}" in chosen


def test_gender_is_a_select_of_the_declared_answers(events, town_a, signed_in):
    _titled_course(events, town_a)
    api.record_person_profile(99, gender="hombre")
    events.enroll(town_a, 99, "datos-abiertos")
    html = signed_in.get("/tablero/").content.decode()
    select = re.search(r'<select name="genero">.*?</select>', html, re.S).group(0)
    assert '<option value="mujer">Mujer</option>' in select
    assert '<option value="no_binario">Persona no binaria</option>' in select
    assert "prefiero" not in select  # stored as no answer («Sin dato»)
    assert '<input name="genero"' not in html
    chosen = signed_in.get("/tablero/?genero=mujer").content.decode()
    assert '<option value="mujer" selected>' in chosen
    assert re.search(r"Inscritas<strong>6</strong>", chosen)
    # The breakdowns show the answer's label, not its stored code.
    assert "<td>Mujer</td>" in html and "<td>mujer</td>" not in html
    # A value the select does not offer is ignored, not searched for.
    other = signed_in.get("/tablero/?genero=%3Cscript%3E").content.decode()
    assert re.search(r"Inscritas<strong>7</strong>", other)
    assert "&lt;script" not in other


def test_chart_labels_wrap_instead_of_being_cut():
    long_name = "Rafael Uribe Uribe: participación y presupuestos de la localidad"
    svg = charts.bars([Row("k", long_name, 3, 2, 1)], title="Cursos")
    shown = " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg))
    assert shown == long_name
    assert len(re.findall(r"<tspan", svg)) == 2  # two lines under 42 characters
    tiles = charts.tile_map(
        [Row("r", "Rafael Uribe Uribe", 0, 0, 0, progress=0.5)],
        {"r": 18},
        title="Mapa",
    )
    # 12-unit labels in a 76-unit tile: about ten characters a line.
    assert re.findall(r"<tspan[^>]*>([^<]*)</tspan>", tiles) == [
        "Rafael",
        "Uribe",
        "Uribe",
    ]


@pytest.mark.parametrize(
    ("cells", "shown"),
    [
        ([1], [None]),  # total 1 next to a single category
        ([1, 0, 0], [None, None, None]),  # the zeros would name the group
        ([3, 9], [None, None]),  # one hidden: the other goes with it
        ([3, 0, 7], [None, None, 7]),  # a zero can be the second cell
        ([8, 6, 2, 1], [8, 6, None, None]),  # two hidden already
        ([12, 7, 3], [12, None, None]),
        ([0, 0], [0, 0]),
        ([5, 6], [5, 6]),
    ],
)
def test_complementary_suppression(cells, shown):
    assert protect_column(cells) == shown


def test_one_person_is_never_shown_in_a_breakdown(events, town_a, signed_in):
    api.record_person_profile(1, gender="mujer", ethnic_group="rrom")
    events.enroll(town_a, 1, "datos")
    board = api.build_city_dashboard()
    assert board.figures.enrolled == 1  # the headline total is shown
    for breakdown in board.breakdowns:
        assert all(c.enrolled is None for c in breakdown.cells), breakdown
    body = signed_in.get("/tablero/exportar.csv").text
    rows = list(csv.reader(io.StringIO(body)))
    gender = [r for r in rows if r and r[0] == "Género"]
    assert gender == [["Género", "Mujer", "<5", "0", "0"]]


def test_every_dashboard_table_scrolls_in_its_own_box_on_a_phone():
    """A table wider than a 360 px phone (long route or course names, five
    columns) scrolls inside its box; the page itself never scrolls sideways.
    Read from the templates, so a table the browser test's data never shows
    (learning routes) is held to it too."""
    from pathlib import Path

    from django.conf import settings

    folder = Path(settings.BASE_DIR) / "reporting" / "templates" / "reporting"
    unboxed = []
    for template in sorted(folder.glob("*.html")):
        text = template.read_text()
        for table in re.finditer(r'<table class="data', text):
            if (
                not text[: table.start()]
                .rstrip()
                .endswith('<div class="scroll" tabindex="0">')
            ):
                unboxed.append(
                    f"{template.name}:{text.count(chr(10), 0, table.start()) + 1}"
                )
    assert unboxed == []
