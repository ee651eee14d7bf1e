"""Evidence re-run by anyone: the public address of a shared builder or SQL result.

A monitoring report's evidence links to where a reader runs the same query on
the same version again. The builder is public; the SQL editor asks for an
account, so the re-run address of SQL carries a signature of that exact SQL, on
that version, in that locality: a visitor reads and re-runs it, and nothing else.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from open_data_labs import api
from tenants import api as tenants_api

from .conftest import upload

CSV = "localidad;votos\nKennedy;1.000\nBosa;1.200\nSuba;2.000\nKennedy;500\n"
SQL = (
    "SELECT localidad, sum(votos) AS votos FROM datos "
    "GROUP BY localidad ORDER BY votos DESC"
)


@pytest.fixture
def published(dataset):
    upload(dataset.key, CSV)
    return dataset.key


def sql_address(key: str, sql: str = SQL) -> str:
    return f"/datos/{key}/v1/sql/?{urlencode({'q': sql})}"


def test_a_builder_result_reruns_at_its_own_public_address(published, client_a):
    shared = f"https://kennedy.test/datos/{published}/v1/laboratorio/?g=localidad"
    rerun = api.rerun_url(shared + "&m=sumar&mc=votos&o=__medida__&od=desc")
    assert rerun == (
        f"/datos/{published}/v1/laboratorio/?g=localidad&m=sumar&mc=votos"
        "&o=__medida__&od=desc#resultado"
    )
    page = client_a.get(rerun)  # nobody signed in
    assert page.status_code == 200
    assert [row[0] for row in page.context["rows"]] == ["Suba", "Kennedy", "Bosa"]


def test_shared_sql_reruns_for_a_visitor_read_only(published, client_a):
    rerun = api.rerun_url(sql_address(published))
    assert "firma=" in rerun and rerun.endswith("#resultado")

    page = client_a.get(rerun)
    assert page.status_code == 200
    assert [row[0] for row in page.context["rows"]] == ["Suba", "Kennedy", "Bosa"]
    text = page.text
    assert 'name="q"' not in text  # no editor for a visitor
    assert "cualquiera puede volver a correrla" in text
    # Its CSV too, with the same signature.
    download = client_a.get(page.context["csv_url"])
    assert download.status_code == 200
    assert download.content.decode().splitlines()[1] == "Suba,2000"


@pytest.mark.parametrize(
    "change",
    [
        lambda url: url.replace("DESC", "ASC"),  # another query, same signature
        lambda url: url.replace("/v1/", "/v2/"),  # another version
        lambda url: url.split("&firma=")[0],  # no signature
        lambda url: url.replace("firma=", "firma=x"),
    ],
)
def test_any_other_sql_still_asks_for_an_account(published, client_a, change):
    rerun = api.rerun_url(sql_address(published))
    page = client_a.get(change(rerun))
    assert page.status_code == 302
    assert page["Location"].startswith("/cuenta/ingresar/")
    csv = client_a.get(change(rerun).replace("/sql/", "/sql.csv"))
    assert csv.status_code == 302


def test_a_signature_is_good_in_its_locality_only(published, town_b):
    signed = api.rerun_url(sql_address(published))
    signature = signed.split("firma=")[1].split("#")[0]
    assert api.is_signed_sql(published, 1, SQL, signature)
    with tenants_api.in_locality(town_b):
        assert not api.is_signed_sql(published, 1, SQL, signature)


def test_signed_in_people_keep_the_editor(published, client_a, make_person):
    client_a.force_login(make_person())
    page = client_a.get(api.rerun_url(sql_address(published)))
    assert page.status_code == 200 and 'name="q"' in page.text


@pytest.mark.parametrize(
    "url",
    ["/cursos/", "https://example.org/", "/datos/x/v1/sql/?q=", "/datos/x/v1/"],
)
def test_other_addresses_are_not_shared_results(in_town_a, url):
    with pytest.raises(api.NotASharedResult, match="no es un resultado"):
        api.rerun_url(url)
