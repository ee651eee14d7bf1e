"""The lab pages: the guided builder (public) and the SQL editor (signed in).

Both are GET forms without JavaScript; their address holds the query, so it can
be shared and gives the same result on the same pinned version.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from open_data_labs import api
from tenants import api as tenants_api

from .conftest import upload

CSV = (
    "localidad;votos;potencial\n"
    "Kennedy;1.000;4.000\nBosa;1.200;3.000\nSuba;2.000;5.000\nCORFERIAS;80;\n"
    "Kennedy;500;2.000\n"
)
GROUPED = [
    ("fc", "localidad"),
    ("fo", "distinto"),
    ("fv", "CORFERIAS"),
    ("g", "localidad"),
    ("m", "sumar"),
    ("mc", "votos"),
    ("o", "__medida__"),
    ("od", "desc"),
]


@pytest.fixture
def published(dataset):
    upload(dataset.key, CSV)
    return dataset


def lab_url(key: str, version: int = 1, params=()) -> str:
    return f"/datos/{key}/v{version}/laboratorio/?{urlencode(list(params))}"


@pytest.fixture
def signed_in(client_a, make_person, in_town_a):
    client_a.force_login(make_person(first_name="Lucía"))
    return client_a


def test_builder_is_public_and_works_without_javascript(published, client_a):
    page = client_a.get(lab_url(published.key, params=GROUPED))
    assert page.status_code == 200
    text = page.text
    assert "<script" not in text
    assert 'name="viewport" content="width=device-width' in text
    # Each step: its sentence and its SQL clause.
    assert "Deja las filas en que «localidad» es distinto de «CORFERIAS»." in text
    assert "WHERE &quot;localidad&quot; &lt;&gt; &#x27;CORFERIAS&#x27;" in text
    assert "Suma «votos» en cada grupo." in text
    assert "Ordena por «sumar_votos», de mayor a menor." in text
    # The table and the chart (server-drawn SVG, no CDN), largest first.
    assert text.index("Suba") < text.index("Kennedy</td>") < text.index("Bosa</td>")
    assert "1.500" in text and "<svg" in text
    assert "«sumar_votos» por «localidad»" in text
    assert "CORFERIAS</td>" not in text


def test_the_shared_address_gives_the_same_result_on_its_version(
    published, client_a, client_b
):
    url = lab_url(published.key, params=GROUPED)
    first = client_a.get(url).context["rows"]
    # A newer version changes the numbers; the address still names version 1.
    upload(published.key, CSV.replace("Suba;2.000", "Suba;9.000"))
    again = client_a.get(url).context["rows"]
    assert (
        again == first == [["Suba", "2.000"], ["Kennedy", "1.500"], ["Bosa", "1.200"]]
    )
    newer = client_a.get(lab_url(published.key, 2, GROUPED)).context["rows"]
    assert newer[0] == ["Suba", "9.000"]


def test_builder_refusal_is_spanish_and_keeps_the_form(published, client_a):
    page = client_a.get(
        lab_url(published.key, params=[("fc", "votos"), ("fo", "mayor"), ("fv", "mil")])
    )
    assert page.status_code == 400
    assert "«mil» no se puede comparar con «votos»" in page.text
    assert 'name="fv" value="mil"' in page.text


def test_builder_without_steps_shows_the_first_rows(published, client_a):
    page = client_a.get(f"/datos/{published.key}/v1/laboratorio/")
    assert page.status_code == 200
    assert "Muestra todas las columnas." in page.text
    assert len(page.context["rows"]) == 5


def test_unknown_version_is_404(published, client_a):
    assert client_a.get(lab_url(published.key, 7)).status_code == 404
    assert client_a.get("/datos/no-existe/v1/laboratorio/").status_code == 404


def test_profile_links_to_the_builder(published, client_a):
    page = client_a.get(f"/datos/{published.key}/v1/")
    assert f"/datos/{published.key}/v1/laboratorio/" in page.text


def test_sql_editor_asks_to_sign_in(published, client_a):
    response = client_a.get(f"/datos/{published.key}/v1/sql/?q=SELECT+1")
    assert response.status_code == 302
    assert "/ingresar" in response["Location"] or "login" in response["Location"]


def test_sql_editor_runs_a_query_and_its_address_is_shareable(published, signed_in):
    sql = "SELECT localidad, sum(votos) AS votos FROM datos GROUP BY 1 ORDER BY 2 DESC"
    url = f"/datos/{published.key}/v1/sql/?{urlencode({'q': sql})}"
    page = signed_in.get(url)
    assert page.status_code == 200
    assert page.context["rows"][0] == ["Suba", "2.000"]
    assert "<script" not in page.text
    upload(published.key, CSV.replace("Suba;2.000", "Suba;1"))
    assert signed_in.get(url).context["rows"][0] == ["Suba", "2.000"]


def test_sql_editor_refuses_hostile_sql_in_spanish(published, signed_in):
    hostile = urlencode({"q": "SELECT * FROM read_csv('/etc/passwd')"})
    url = f"/datos/{published.key}/v1/sql/?{hostile}"
    page = signed_in.get(url)
    assert page.status_code == 400
    assert "no pueden abrir archivos" in page.text
    assert "root:" not in page.text


def test_builder_sql_opens_in_the_editor_with_the_same_answer(published, signed_in):
    builder = signed_in.get(lab_url(published.key, params=GROUPED))
    editor = signed_in.get(builder.context["sql_link"].split("#")[0])
    assert editor.status_code == 200
    assert editor.context["rows"] == builder.context["rows"]


def test_lab_pages_of_one_locality_do_not_exist_in_another(published, client_b, town_b):
    with tenants_api.in_locality(town_b):
        assert client_b.get(lab_url(published.key)).status_code == 404
    assert api.get_snapshot(published.key, 1).row_count == 5
