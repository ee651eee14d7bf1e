"""Each lab page reads its pinned version once: the row that names the file is
the one whose columns the builder checks and whose hash keys the kept answer.

Query budgets are bounds, not exact counts (the session and the site add a few).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from .conftest import upload
from .test_lab_pages import CSV, GROUPED, lab_url

SNAPSHOT_TABLE = '"open_data_labs_snapshot"'


@pytest.fixture
def published(dataset, settings):
    # Every page runs its query (a kept answer would skip the file's path).
    settings.OPEN_DATA_QUERY_CACHE_SECONDS = 0
    upload(dataset.key, CSV)
    return dataset


@pytest.fixture
def signed_in(client_a, make_person, in_town_a):
    client_a.force_login(make_person(first_name="Lucía"))
    return client_a


def _version_reads(captured) -> int:
    return sum(SNAPSHOT_TABLE in q["sql"] for q in captured.captured_queries)


def _get(client, url, budget, django_assert_max_num_queries):
    client.get(url)  # warm the site and session lookups
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return captured


def test_the_builder_reads_its_version_once(
    published, client_a, django_assert_max_num_queries
):
    captured = _get(
        client_a,
        lab_url(published.key, params=GROUPED),
        4,
        django_assert_max_num_queries,
    )
    assert _version_reads(captured) == 1


def test_the_builder_csv_reads_its_version_once(
    published, client_a, django_assert_max_num_queries
):
    url = f"/datos/{published.key}/v1/laboratorio.csv?{urlencode(GROUPED)}"
    captured = _get(client_a, url, 4, django_assert_max_num_queries)
    assert _version_reads(captured) == 1


@pytest.mark.parametrize("page", ["sql", "sql.csv"])
def test_the_sql_editor_and_its_csv_read_the_version_once(
    published, signed_in, page, django_assert_max_num_queries
):
    query = urlencode({"q": "SELECT localidad, sum(votos) FROM datos GROUP BY 1"})
    suffix = "/" if page == "sql" else ""
    url = f"/datos/{published.key}/v1/{page}{suffix}?{query}"
    captured = _get(signed_in, url, 8, django_assert_max_num_queries)
    assert _version_reads(captured) == 1


def test_the_profile_reads_the_version_and_its_profile(
    published, client_a, django_assert_max_num_queries
):
    # The version (with the file's name, for the first rows) and, separately,
    # its stored profile (a large JSON only this page needs).
    captured = _get(
        client_a, f"/datos/{published.key}/v1/", 6, django_assert_max_num_queries
    )
    assert _version_reads(captured) == 2
