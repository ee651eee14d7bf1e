"""Reporting API: events → public tables → dashboard figures, targets, suppression."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from reporting import api, build_cache, dashboards
from reporting.data import Filters

from .conftest import weeks_ago


def test_events_counted_once_per_person_city_wide(events, town_a, town_b):
    events.enroll(town_a, 1, "datos")
    events.enroll(town_a, 1, "control")  # same person, second course
    events.enroll(town_b, 1, "datos")  # same person, another locality
    events.enroll(town_b, 2, "datos")
    events.complete(town_a, 1, "datos")
    events.active(town_a, 1)
    events.active(town_b, 2)

    city = api.build_city_dashboard()
    assert city.figures.enrolled == 2
    assert city.figures.completed == 1
    assert city.figures.active_30d == 2
    kennedy = api.build_locality_dashboard(town_a)
    assert (kennedy.figures.enrolled, kennedy.figures.completed) == (1, 1)
    bosa = api.build_locality_dashboard(town_b)
    assert (bosa.figures.enrolled, bosa.figures.completed) == (2, 0)
    rows = {row.key: row for row in city.localities}
    assert rows[town_a].enrolled == 1 and rows[town_b].enrolled == 2


def test_replayed_events_are_not_double_counted(events, town_a):
    for _ in range(3):
        events.enroll(town_a, 7, "datos", at=weeks_ago(1))
        events.complete(town_a, 7, "datos", at=weeks_ago(1))
        events.active(town_a, 7)
    board = api.build_locality_dashboard(town_a)
    assert (board.figures.enrolled, board.figures.completed) == (1, 1)
    assert board.figures.active_30d == 1
    assert sum(p.new_enrolled for p in board.weeks) == 1


def test_withdrawal_and_reenrollment_in_any_order(events, town_a):
    events.enroll(town_a, 3, "datos", at=weeks_ago(3))
    events.withdraw(town_a, 3, "datos", at=weeks_ago(2))
    assert api.build_locality_dashboard(town_a).figures.enrolled == 0
    events.enroll(town_a, 3, "datos", at=weeks_ago(1))
    assert api.build_locality_dashboard(town_a).figures.enrolled == 1
    # A late, replayed withdrawal older than the re-enrollment changes nothing.
    events.withdraw(town_a, 3, "datos", at=weeks_ago(2))
    assert api.build_locality_dashboard(town_a).figures.enrolled == 1


def test_target_validation_messages_in_spanish(db, town_a):
    with pytest.raises(api.TargetError, match="mayor que cero"):
        api.set_target(people=0)
    with pytest.raises(api.TargetError, match="mayor que cero"):
        api.set_target(town_a, people=-5)
    with pytest.raises(api.TargetError, match="número entero"):
        api.set_target(people="muchas")
    with pytest.raises(api.TargetError, match="ya pasó"):
        api.set_target(people=10, target_date=timezone.localdate() - timedelta(days=1))
    with pytest.raises(api.TargetError, match="No existe la localidad"):
        api.set_target("atlantida", people=10)
    assert api.get_target().people == 50_000 and api.get_target().is_default
    saved = api.set_target(
        people="60.000", target_date=timezone.localdate() + timedelta(days=90)
    )
    assert saved.people == 60_000 and not saved.is_default


def test_forecast_at_the_current_weekly_rate(events, town_a):
    api.set_target(town_a, people=20)
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    # Two people trained in each of the three weeks before this one, two
    # today, and two five weeks ago (outside the last four weeks).
    for week in (0, 1, 2, 3, 5):
        for n in range(2):
            user = week * 10 + n
            when = timezone.now() - timedelta(weeks=week)
            events.enroll(town_a, user, "datos", at=when)
            events.complete(town_a, user, "datos", at=when)
    board = api.build_locality_dashboard(town_a)
    assert board.figures.completed == 10
    # Eight people in this week and the three before; the weeks elapsed are
    # three and the days of this week so far (today included).
    elapsed = 3 + (today - monday).days / 7 + 1 / 7
    assert board.forecast.weekly_rate == pytest.approx(8 / elapsed)
    weeks_needed = math.ceil(10 / (8 / elapsed))
    assert board.forecast.reached_on == today + timedelta(weeks=weeks_needed)


def test_forecast_counts_people_trained_today(events, town_a):
    """The page shows one person trained today: the forecast must not say
    nobody was trained in the last four weeks."""
    api.set_target(town_a, people=100)
    events.enroll(town_a, 1, "datos")
    events.complete(town_a, 1, "datos")
    board = api.build_locality_dashboard(town_a)
    assert board.figures.completed == 1
    assert board.weeks[-1].new_completed == 1
    assert board.forecast.weekly_rate > 0 and board.forecast.reached_on
    assert "no se alcanza" not in board.forecast.message


def test_no_division_error_without_rate_or_data(db, town_a):
    api.set_target(town_a, people=100)
    board = api.build_locality_dashboard(town_a)
    assert board.forecast.reached_on is None
    assert "no se alcanza" in board.forecast.message
    assert not board.has_data
    assert "Todavía no hay inscripciones" in board.notes[0]


def test_filter_with_no_data_explains_itself(events, town_a):
    events.enroll(town_a, 1, "datos")
    board = api.build_city_dashboard(filters=Filters(course_key="no-existe"))
    assert not board.has_data
    assert "combinación de filtros" in board.notes[0]
    assert board.weeks == ()


def test_small_cells_suppressed_with_a_second_cell(events, town_a):
    # 12 women, 7 men, 3 non-binary: the 3 is hidden, and so is the next
    # smallest (7), or 3 could be recovered from the total.
    genders = ["Mujer"] * 12 + ["Hombre"] * 7 + ["No binario"] * 3
    for user, gender in enumerate(genders, start=100):
        api.record_person_profile(user, gender=gender)
        events.enroll(town_a, user, "datos")
    board = api.build_locality_dashboard(town_a)
    cells = {c.category: c for c in board.breakdowns[0].cells}
    assert board.breakdowns[0].key == "gender"
    assert cells["Mujer"].enrolled == 12
    assert cells["No binario"].enrolled is None
    assert cells["Hombre"].enrolled is None
    assert cells["Mujer"].completed == 0


def test_age_groups_and_filters(events, town_a):
    today = timezone.localdate()
    ages = {1: 15, 2: 27, 3: 28, 4: 59, 5: 60, 6: 80}
    for user, age in ages.items():
        born = today.replace(year=today.year - age) - timedelta(days=1)
        api.record_person_profile(user, birth_date=born, gender="Mujer")
        events.enroll(town_a, user, "datos")
    board = api.build_locality_dashboard(town_a, filters=Filters(age_group="14 a 27"))
    assert board.figures.enrolled == 2
    board = api.build_locality_dashboard(town_a, filters=Filters(age_group="60 o más"))
    assert board.figures.enrolled == 2
    board = api.build_locality_dashboard(town_a, filters=Filters(gender="Hombre"))
    assert board.figures.enrolled == 0 and not board.has_data


def test_a_rebuild_in_progress_serves_the_previous_figures(events, town_a):
    events.enroll(town_a, 1, "datos")
    first = api.build_city_dashboard()
    assert first.figures.enrolled == 1 and first.built_at is not None
    key = build_cache.cache_key("", Filters(), first.today)

    events.enroll(town_a, 2, "datos")
    cache.add(key + ":lock", 1, 30)  # another request is rebuilding right now
    assert api.build_city_dashboard().figures.enrolled == 1  # the previous build
    cache.delete(key + ":lock")
    assert api.build_city_dashboard().figures.enrolled == 2  # rebuilt on change

    events.enroll(town_a, 3, "datos")
    cache.add(key + ":lock", 1, 30)
    stale = dashboards.MAX_STALE_SECONDS + 1
    old_generation, board = cache.get(key)
    aged = replace(board, built_at=board.built_at - timedelta(seconds=stale))
    cache.set(key, (old_generation, aged), 300)
    # Too old to serve even while someone rebuilds: this request builds too.
    assert api.build_city_dashboard().figures.enrolled == 3


def test_rebuilds_are_throttled_but_a_new_target_shows_at_once(
    events, town_a, settings, django_capture_on_commit_callbacks
):
    settings.REPORTING_REBUILD_SECONDS = 30
    events.enroll(town_a, 1, "datos")
    assert api.build_city_dashboard().figures.enrolled == 1
    events.enroll(town_a, 2, "datos")
    assert api.build_city_dashboard().figures.enrolled == 2  # first change: rebuilt
    events.enroll(town_a, 3, "datos")
    # Rebuilt a moment ago: the previous figures until the throttle expires.
    assert api.build_city_dashboard().figures.enrolled == 2

    with django_capture_on_commit_callbacks(execute=True):
        api.set_target(people=1000)
    board = api.build_city_dashboard()
    assert board.target.people == 1000 and board.figures.enrolled == 3
