"""Filtered dashboards read counts the events keep (``FacetTally``): for every
combination of course, gender and age group they equal counting the people's
rows; ages move on birthdays; the recount finds no drift and repairs a lost
event; and a filtered build costs a fixed number of queries."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from reporting import api, dashboards, facet_tallies
from reporting.age_bands import KEYS, years_before
from reporting.data import Filters
from reporting.models import FacetTally, FacetTallyDay
from reporting.precomputed import read_tallies
from tenants import api as tenants_api

from .test_tallies import _varied


def _both_ways(schema, filters, today, monkeypatch):
    """The build from the kept counts, and the same build counted on read."""
    with tenants_api.in_public_schema():
        kept = dashboards._build(schema, filters, today)
        with monkeypatch.context() as patched:
            patched.setattr(dashboards, "count_ages_on", lambda day: False)
            counted = dashboards._build(schema, filters, today)
    return replace(kept, built_at=None), replace(counted, built_at=None)


def _combinations():
    for course, gender, age in itertools.product(
        ["", "datos", "control", "otro"],
        ["", "mujer", "hombre", "otro"],
        ["", *KEYS],
    ):
        if course or gender or age:
            yield Filters(course_key=course, gender=gender, age_group=age)


def test_every_filter_combination_equals_counting_the_rows(
    events, town_a, town_b, monkeypatch
):
    _varied(events, town_a, town_b)
    today = timezone.localdate()
    checked = 0
    for schema in ("", town_a, town_b):
        for filters in _combinations():
            kept, counted = _both_ways(schema, filters, today, monkeypatch)
            assert kept == counted, (schema, filters)
            checked += kept.figures.enrolled
    assert checked > 0  # the data is not empty
    with tenants_api.in_public_schema():
        for schema in ("", town_a, town_b):  # the age groups on the kept day
            kept_ages = read_tallies(schema, today, ages_kept=True).breakdowns
            assert kept_ages == read_tallies(schema, today).breakdowns
    with tenants_api.in_public_schema():
        assert facet_tallies.rebuild_all_tallies(today) == (0, 0)


def test_a_filtered_build_reads_the_kept_counts(events, town_a, monkeypatch):
    api.record_person_profile(1, gender="mujer")
    events.enroll(town_a, 1, "datos")
    calls = []
    monkeypatch.setattr(
        dashboards, "_counted_on_read", lambda *args: calls.append(args)
    )
    board = api.build_city_dashboard(filters=Filters(gender="mujer"))
    assert board.figures.enrolled == 1 and calls == []


def test_ages_move_on_a_birthday(events, town_a, monkeypatch):
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    # Turns 28 tomorrow: «14 a 27» today, «28 a 59» tomorrow.
    born = years_before(tomorrow, 28)
    api.record_person_profile(1, birth_date=born, gender="mujer")
    api.record_person_profile(2, birth_date=today.replace(year=1980))
    for user in (1, 2):
        events.enroll(town_a, user, "datos")
    young, adult = Filters(age_group="14 a 27"), Filters(age_group="28 a 59")
    assert api.build_city_dashboard(filters=young, today=today).figures.enrolled == 1
    assert api.build_city_dashboard(filters=adult, today=today).figures.enrolled == 1

    assert facet_tallies.count_ages_on(tomorrow)
    assert FacetTallyDay.objects.get().day == tomorrow
    for filters in (young, adult, Filters(gender="mujer")):
        kept, counted = _both_ways("", filters, tomorrow, monkeypatch)
        assert kept == counted
    assert kept.figures.enrolled == 1
    cells = {c.category: c.enrolled for c in kept.breakdowns[1].cells}
    assert kept.breakdowns[1].key == "age" and set(cells) == {"28 a 59"}
    # An event after the move counts the person in their new group.
    events.complete(town_a, 1, "datos")
    with tenants_api.in_public_schema():
        assert facet_tallies.rebuild_all_tallies(tomorrow) == (0, 0)
    # A day before the kept one is counted from the rows, and still right.
    assert not facet_tallies.count_ages_on(today)
    cache.clear()
    assert api.build_city_dashboard(filters=young, today=today).figures.enrolled == 1


def test_recount_repairs_a_filtered_count_the_events_missed(events, town_a):
    api.record_person_profile(1, gender="mujer")
    events.enroll(town_a, 1, "datos")
    with connection.cursor() as cursor:  # a lost event: one count is wrong
        facet_tallies.add_person_change(
            cursor, {}, {("", "all", "", "", "mujer", ""): (1, 1, 0, 0)}
        )
    women = Filters(gender="mujer")
    assert api.build_city_dashboard(filters=women).figures.enrolled == 2
    today = timezone.localdate()
    with tenants_api.in_public_schema():  # as the recount does
        assert facet_tallies.rebuild_all_tallies(today) == (0, 1)
    cache.clear()
    assert api.build_city_dashboard(filters=women).figures.enrolled == 1
    with tenants_api.in_public_schema():
        assert facet_tallies.rebuild_all_tallies(today) == (0, 0)


@pytest.mark.parametrize(
    "filters",
    [
        Filters(gender="mujer"),
        Filters(course_key="curso-1", age_group="28 a 59"),
        Filters(course_key="curso-2"),
    ],
)
def test_filtered_cold_build_reads_the_same_queries_at_any_size(
    events, town_a, town_b, filters, django_assert_max_num_queries
):
    """A filtered build without cache costs a fixed number of queries (the
    budget a filtered page is held to), however many people match."""
    today = timezone.localdate()
    for user in range(1, 40):
        api.record_person_profile(
            user,
            gender="mujer" if user % 3 else "hombre",
            birth_date=today.replace(year=today.year - 20 - user),
        )
        events.enroll(town_a if user % 2 else town_b, user, f"curso-{user % 6}")
    with tenants_api.in_public_schema():
        api.build_city_dashboard(filters=filters)  # warm: the kept day is read
        cache.clear()
        # The city's active people are one read of the kept last days, not a
        # count for the city and another per locality: 19 (was 20).
        with django_assert_max_num_queries(19):
            city = api.build_city_dashboard(filters=filters)
        with django_assert_max_num_queries(20):
            api.build_locality_dashboard(town_a, filters=filters)
    assert city.figures.enrolled > 0
    assert FacetTally.objects.filter(gender="mujer").exists()
