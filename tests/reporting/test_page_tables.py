"""Active people read from the counts kept by the activity events equal the
distinct count over the active days that pages made before (ADR 0045), with
filters too (from each matching person's kept last day, ADR 0050)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from reporting import api, figures
from reporting.breakdowns import people_matching
from reporting.data import Filters
from reporting.models import ActiveTally, LastActiveDay, LearnerCourse, LearnerDay
from reporting.page_tables import active_since, rebuild_last_active
from tenants import api as tenants_api


def _days_ago(n: int):
    return timezone.now() - timedelta(days=n)


def _counted(first_day):
    """The way pages counted before: distinct people over the active days."""
    days = LearnerDay.objects.filter(day__gte=first_day)
    return {"": figures.active_people(days), **figures.active_per_locality(days)}


def test_kept_active_people_equal_the_counted_ones(events, town_a, town_b):
    # Out of order, repeated, in two localities, and across the window's edge.
    events.active(town_a, 1, at=_days_ago(3))
    events.active(town_a, 1, at=_days_ago(40))  # older: moves nothing
    events.active(town_b, 1, at=_days_ago(10))
    events.active(town_b, 2, at=_days_ago(45))
    events.active(town_b, 2, at=_days_ago(29))  # the window's first day
    events.active(town_a, 3, at=_days_ago(30))  # just outside it
    events.active(town_a, 3, at=_days_ago(30))  # replayed
    today = timezone.localdate()
    with tenants_api.in_public_schema():
        for back in (0, 5, 29, 30, 31, 45):
            first_day = today - timedelta(days=29 + back)
            kept = {k: v for k, v in active_since(first_day).items() if v}
            assert kept == {k: v for k, v in _counted(first_day).items() if v}
        before = sorted(ActiveTally.objects.values_list("scope", "day", "people"))
        assert rebuild_last_active() == 0  # the events kept every day right
        after = sorted(ActiveTally.objects.values_list("scope", "day", "people"))
        assert [r for r in before if r[2]] == after
    city = api.build_city_dashboard()
    assert city.figures.active_30d == 2
    rows = {row.key: row.active_30d for row in city.localities}
    assert (rows[town_a], rows[town_b]) == (1, 2)
    assert api.build_locality_dashboard(town_b).figures.active_30d == 2


def test_the_recount_fixes_a_lost_move(events, town_a):
    events.active(town_a, 5, at=_days_ago(2))
    with tenants_api.in_public_schema():
        LastActiveDay.objects.filter(user_id=5).delete()
        assert rebuild_last_active() == 2  # the city's row and Kennedy's
        assert active_since(timezone.localdate() - timedelta(days=29)) == {
            "": 1,
            town_a: 1,
        }


def _counted_under(filters, schema=""):
    """The way filtered pages counted before: distinct people over the active
    days of those matching the filters (of the chosen course, its rows)."""
    today = timezone.localdate()
    days = LearnerDay.objects.filter(day__gte=today - timedelta(days=29))
    courses = LearnerCourse.objects.all()
    if schema:
        days = days.filter(schema_name=schema)
        courses = courses.filter(schema_name=schema)
    if filters.course_key:
        courses = courses.filter(course_key=filters.course_key)
    people = people_matching(filters, today)
    if people is not None:
        days = days.filter(user_id__in=people)
        courses = courses.filter(user_id__in=people)
    if filters.course_key:
        days = days.filter(user_id__in=courses.values("user_id"))
    counted = {schema: figures.active_people(days)}
    if not schema:
        counted |= figures.active_per_locality(days)
    return counted


@pytest.mark.parametrize(
    "filters",
    [
        Filters(gender="mujer"),
        Filters(age_group="28 a 59"),
        Filters(course_key="curso-1"),
        Filters(course_key="curso-1", gender="hombre"),
    ],
)
def test_filtered_active_people_from_the_kept_days(events, town_a, town_b, filters):
    today = timezone.localdate()
    for user in range(1, 13):
        api.record_person_profile(
            user,
            gender="mujer" if user % 2 else "hombre",
            birth_date=today.replace(year=today.year - 18 - 3 * user),
        )
        home = town_a if user % 3 else town_b
        events.enroll(home, user, f"curso-{user % 3}")
        events.active(home, user, at=_days_ago(user * 3))  # some out of the window
        events.active(home, user, at=_days_ago(user * 3 + 40))  # older: moves nothing
    # Person 4 takes «curso-1» in town A and is active in town B too: with that
    # course chosen, the city's row of town B counts them, as before.
    events.active(town_b, 4, at=_days_ago(1))
    with tenants_api.in_public_schema():
        city = api.build_city_dashboard(filters=filters)
        before = _counted_under(filters)
        town = api.build_locality_dashboard(town_b, filters=filters)
        before_town = _counted_under(filters, town_b)
    assert before[""] > 0 and before[town_b] > 0  # the case is not empty
    assert city.figures.active_30d == before[""]
    rows = {row.key: row.active_30d for row in city.localities}
    assert (rows[town_a], rows[town_b]) == (
        before.get(town_a, 0),
        before.get(town_b, 0),
    )
    assert town.figures.active_30d == before_town[town_b]
