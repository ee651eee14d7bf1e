"""The dashboards' civic funnel (certified → eligible → applied → selected → in a
role) equals ``participation.api.funnel_counts``, per locality, suppressed below
``MIN_CELL``, and never leaks one locality's numbers into another's dashboard."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from lms.locality_roles.api import Role, grant_role
from participation import api
from reporting import api as reporting_api
from reporting import exports
from reporting.civic_funnel import record_locality_funnel
from tenants import api as tenants_api
from tests.reporting.conftest import reset_derived_counts

from .conftest import apply

KENNEDY, BOSA = "test_kennedy", "test_bosa"


@pytest.fixture(autouse=True)
def quiet_background(monkeypatch, db):
    """Role events also queue credential tasks: not the point here. Each test
    starts with no cached dashboard build."""
    # They go through the task outbox: kept there (and rolled back with the
    # test), never published to a broker that no worker reads here.
    monkeypatch.setattr("tenants.outbox._send_one", lambda row_id: False)
    cache.clear()
    reset_derived_counts()
    yield
    cache.clear()


@pytest.fixture
def serving_role(template, town_a):
    """A first-come role in Kennedy whose service has already started."""
    today = timezone.localdate()
    with tenants_api.in_locality(town_a):
        cycle = api.create_cycle(
            "Veedurías en curso",
            applications_open=today - timedelta(days=1),
            applications_close=today + timedelta(days=5),
            service_starts=today - timedelta(days=1),
            service_ends=today + timedelta(days=200),
        )
        return api.open_role(cycle.cycle_id, template, seats=6)


@pytest.fixture
def kennedy_funnel(serving_role, make_role, person, django_capture_on_commit_callbacks):
    """8 certified, 7 eligible (one too young), 6 applied to the serving role
    and selected; one of them also applied to an upcoming role."""
    upcoming = make_role(seats=3)
    people = [person() for _ in range(7)]
    person(born=timezone.localdate().replace(year=timezone.localdate().year - 10))
    with (
        tenants_api.in_locality(KENNEDY),
        django_capture_on_commit_callbacks(execute=True),
    ):
        api.recompute_roles()
    for someone in people[:6]:
        _apply_with_events(someone, serving_role, django_capture_on_commit_callbacks)
    _apply_with_events(people[0], upcoming, django_capture_on_commit_callbacks)
    return people


def _apply_with_events(someone, role, capture):
    """Apply, then run the after-commit receivers in Kennedy, as after a commit."""
    with tenants_api.in_locality(KENNEDY), capture(execute=True):
        apply(someone, role)


def _login(client, person, schema):
    with tenants_api.in_locality(schema):
        client.force_login(person)


def _with_role(make_person, schema, role):
    someone = make_person()
    with tenants_api.in_locality(schema):
        grant_role(someone.pk, role)
    return someone


def _civic_table(html: str) -> str:
    found = re.search(r'<table class="data civic-funnel">.*?</table>', html, re.S)
    assert found, "the civic funnel table is on the page"
    return found.group(0)


def _cells(row_html: str) -> list[str]:
    return re.findall(r"<td>([^<]*)</td>", row_html)


def test_dashboards_show_funnel_counts_of_each_locality(
    kennedy_funnel, client_campus, make_person, campus
):
    counts = api.funnel_counts()[KENNEDY]
    assert counts == api.FunnelCounts(eligible=7, applied=6, selected=6, in_role=6)

    # The role events already copied the counts; the recount finds nothing to fix.
    assert reporting_api.recount().drift["funnel"] == 0
    with tenants_api.in_public_schema():
        city = reporting_api.build_city_dashboard()
        kennedy = reporting_api.build_locality_dashboard(KENNEDY)
    row = next(r for r in city.civic_localities if r.key == KENNEDY)
    assert (row.eligible, row.applied, row.selected, row.in_role) == (7, 6, 6, 6)
    assert row.certified == 8 == kennedy.figures.certified
    assert kennedy.civic is not None
    assert (
        kennedy.civic.certified,
        kennedy.civic.eligible,
        kennedy.civic.applied,
        kennedy.civic.selected,
        kennedy.civic.in_role,
    ) == (8, 7, 6, 6, 6)
    assert kennedy.civic_localities == ()
    bosa = next(r for r in city.civic_localities if r.key == BOSA)
    assert (bosa.certified, bosa.eligible, bosa.applied) == (0, 0, 0)
    assert (city.civic.eligible, city.civic.applied) == (7, 6)

    manager = _with_role(make_person, campus, Role.PROGRAM_MANAGER)
    _login(client_campus, manager, campus)
    table = _civic_table(client_campus.get("/tablero/").content.decode())
    kennedy_row = re.search(r"<tr><td><a [^>]*>Kennedy</a></td>.*?</tr>", table, re.S)
    assert kennedy_row and _cells(kennedy_row.group(0)) == ["8", "7", "6", "6", "6"]


def test_a_locality_dashboard_never_shows_another_locality(
    kennedy_funnel, client_a, make_person, town_a
):
    with tenants_api.in_public_schema():
        record_locality_funnel(
            BOSA, api.FunnelCounts(eligible=941, applied=937, selected=923, in_role=919)
        )
        board = reporting_api.build_locality_dashboard(KENNEDY)
    assert board.civic_localities == ()
    assert (board.civic.eligible, board.civic.applied) == (7, 6)

    manager = _with_role(make_person, town_a, Role.LOCALITY_MANAGER)
    _login(client_a, manager, town_a)
    html = client_a.get("/tablero/").content.decode()
    table = _civic_table(html)
    assert _cells(table) == ["8", "7", "6", "6", "6"]
    for bosa_number in ("941", "937", "923", "919", "Bosa"):
        assert bosa_number not in table
        assert bosa_number not in html


def test_small_counts_are_suppressed(make_role, person, campus):
    role = make_role(seats=3)
    applicants = [person(), person()]
    for someone in applicants:
        apply(someone, role)  # after-commit events never ran: the recount copies
    assert reporting_api.recount().drift["funnel"] == 1
    with tenants_api.in_public_schema():
        board = reporting_api.build_locality_dashboard(KENNEDY)
        city = reporting_api.build_city_dashboard()
    kennedy = board.civic
    assert (kennedy.applied, kennedy.selected, kennedy.in_role) == (None, None, 0)
    # Two certified: the headline states it, so the table's total row does too
    # (hiding it there would hide nothing, and contradict the headline).
    assert kennedy.certified == 2 == board.figures.certified
    row = next(r for r in city.civic_localities if r.key == KENNEDY)
    assert row.applied is None and city.civic.applied is None
    # The city's row is a sum over localities: the same two people, shown whole
    # like its headline; each locality's cell, a breakdown, stays hidden.
    assert city.civic.certified == 2 == city.figures.certified
    assert row.certified is None


def test_locality_headline_and_civic_table_agree_on_a_small_count(
    open_cycle, person, client_a, make_person, town_a
):
    """«Certificadas 1» above and «<5» in «Del certificado al rol» below, for the
    same people, told the reader two things; the table now states the figure."""
    person()  # one certified person in Kennedy (the course of the cycle), no role
    reporting_api.recount()
    manager = _with_role(make_person, town_a, Role.LOCALITY_MANAGER)
    _login(client_a, manager, town_a)
    html = client_a.get("/tablero/").content.decode()
    headline = re.search(r"Certificadas<strong>([^<]*)</strong>", html)
    assert headline and headline.group(1) == "1"
    # Certified 1 (the headline's), then the stages nobody reached yet.
    assert _cells(_civic_table(html)) == ["1", "0", "0", "0", "0"]


def test_exports_carry_the_funnel_suppressed_like_the_page(make_role, person):
    role = make_role(seats=3)
    applicants = (person(), person())
    with tenants_api.in_locality(KENNEDY):
        api.recompute_roles()
    for someone in applicants:
        apply(someone, role)
    reporting_api.recount()
    with tenants_api.in_public_schema():
        city = reporting_api.build_city_dashboard()
    sheet = dict(exports.rows(city))["Del certificado al rol"]
    # Named, never by schema key.
    assert all(KENNEDY not in map(str, line) for line in sheet)
    kennedy = next(line for line in sheet if line[0] == "Kennedy")
    # Two applied and selected: hidden; nobody in a role yet: 0 is shown.
    assert kennedy[1:] == ["<5", "<5", "<5", "<5", 0]
    # The city's total of 2 is shown nowhere, and Bosa's zeros are hidden too:
    # next to them Kennedy's hidden cells would hold the whole total.
    bosa = next(line for line in sheet if line[0] == "Bosa")
    assert bosa[1:] == ["<5", "<5", "<5", "<5", 0]
    assert "<5" in exports.to_csv(city)


def test_filters_hide_the_civic_funnel(kennedy_funnel):
    with tenants_api.in_public_schema():
        board = reporting_api.build_locality_dashboard(
            KENNEDY, filters=reporting_api.Filters(gender="Mujer")
        )
    assert board.civic is None and board.civic_localities == ()


def test_a_role_event_rebuilds_the_cached_dashboard(
    kennedy_funnel, make_role, person, django_capture_on_commit_callbacks
):
    with tenants_api.in_public_schema():
        before = reporting_api.build_locality_dashboard(KENNEDY)
        again = reporting_api.build_locality_dashboard(KENNEDY)
        assert again.built_at == before.built_at  # served from the cache
    late = kennedy_funnel[6]
    role = make_role(seats=3)
    _apply_with_events(late, role, django_capture_on_commit_callbacks)
    with tenants_api.in_public_schema():
        after = reporting_api.build_locality_dashboard(KENNEDY)
    assert (before.civic.applied, after.civic.applied) == (6, 7)
    assert after.civic.applied == api.funnel_counts()[KENNEDY].applied


def test_an_application_waiting_for_the_committee_shows_at_once(
    kennedy_funnel, make_role, django_capture_on_commit_callbacks
):
    """No seat is given, so no role event: the funnel's own event copies it."""
    committee = make_role(seats=2, selection_mode=api.SelectionMode.COMMITTEE)
    _apply_with_events(kennedy_funnel[6], committee, django_capture_on_commit_callbacks)
    with tenants_api.in_public_schema():
        board = reporting_api.build_locality_dashboard(KENNEDY)
    assert (board.civic.applied, board.civic.selected) == (7, 6)
    assert reporting_api.recount().drift["funnel"] == 0


def test_city_dashboard_query_budget(
    kennedy_funnel, client_campus, make_person, campus, django_assert_max_num_queries
):
    manager = _with_role(make_person, campus, Role.PROGRAM_MANAGER)
    _login(client_campus, manager, campus)
    # Warm what a process keeps between requests (the host's locality), so the
    # count does not depend on which test ran first in the process.
    assert client_campus.get("/tablero/").status_code == 200
    cache.clear()
    # A cold build of the city page: the civic funnel adds one query (every
    # locality's stored row at once), never a query per locality schema; so do
    # the monitoring panels (barrios reached, monitoring funnel), which take the
    # localities the page already read. The active people are one read of kept
    # counts, and the process remembers the localities and the learning paths.
    with django_assert_max_num_queries(21):
        assert client_campus.get("/tablero/").status_code == 200
    # A cached build: 10, and the monitoring panels' two small tables, read per
    # view outside the cached fragment.
    with django_assert_max_num_queries(12):
        assert client_campus.get("/tablero/").status_code == 200


def test_funnel_broken_down_by_role_line_and_group(
    kennedy_funnel,
    make_role,
    client_campus,
    make_person,
    campus,
    django_capture_on_commit_callbacks,
):
    """The six served people, plus five of them applying for a role of the
    environmental line (three seats, service not started yet)."""
    # What the breakdowns know of each person (as the accounts' event copies it).
    reporting_api.sync_person_profiles([p.pk for p in kennedy_funnel])
    line_role = make_role(seats=3, investment_line=api.InvestmentLine.ENVIRONMENT)
    with (
        tenants_api.in_locality(KENNEDY),
        django_capture_on_commit_callbacks(execute=True),
    ):
        api.recompute_roles()
    for someone in kennedy_funnel[:5]:
        _apply_with_events(someone, line_role, django_capture_on_commit_callbacks)

    with tenants_api.in_public_schema():
        board = reporting_api.build_locality_dashboard(KENNEDY)
        city = reporting_api.build_city_dashboard()
    by = {b.key: {c.category: c for c in b.cells} for b in board.civic_breakdowns}
    assert list(by) == ["role", "line", "gender", "age", "ethnic"]
    cells = lambda c: (c.eligible, c.applied, c.selected, c.in_role)  # noqa: E731
    role = by["role"]["Delegado/a de presupuestos participativos"]
    assert cells(role) == (7, 6, 6, 6)
    # Three selected in the line: hidden, and the other line's 6 with them, or
    # 3 could be read off the total of the column.
    assert cells(by["line"]["Inversión ambiental sostenible"]) == (7, 5, None, 0)
    assert cells(by["line"]["Sin línea de inversión"]) == (7, 6, None, 6)
    assert by["age"].keys() == {"28 a 59"}
    assert cells(by["age"]["28 a 59"]) == (7, 6, 6, 6)  # everyone is 30
    assert cells(by["gender"]["Sin dato"]) == (7, 6, 6, 6)  # nobody answered
    # The city adds the localities up (Bosa has nobody).
    assert city.civic_breakdowns == board.civic_breakdowns
    # The recount copies the same.
    assert reporting_api.recount().drift["funnel_breakdown"] == 0

    manager = _with_role(make_person, campus, Role.PROGRAM_MANAGER)
    _login(client_campus, manager, campus)
    html = client_campus.get("/tablero/").content.decode()
    chart = re.search(
        r'<svg[^>]*aria-label="Del certificado al rol".*?</svg>', html, re.S
    )
    assert chart, "the civic funnel is drawn"
    for stage in ("Formadas", "Certificadas", "Postuladas", "En ejercicio del rol"):
        assert stage in chart.group(0)
    assert (
        "Desglose: Línea de inversión" in html
        and "Inversión ambiental sostenible" in html
    )
    sheet = dict(exports.rows(city))["Rol, línea y población"]
    assert [
        "Línea de inversión",
        "Inversión ambiental sostenible",
        7,
        5,
        "<5",
        0,
    ] in sheet
