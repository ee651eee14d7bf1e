"""The precomputed counts the events keep equal what counting every person's rows
gives, through enrollments, withdrawals, completions, certificates, revocations
and changed answers; the recount finds no drift; and a cold build stays within a
fixed number of queries however many people there are."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from reporting import api, tallies
from reporting import figures as on_read
from reporting.breakdowns import breakdowns
from reporting.models import LearnerCourse, PersonSummary
from reporting.precomputed import read_tallies
from tenants import api as tenants_api

from .conftest import weeks_ago


def _varied(events, town_a, town_b):
    today = timezone.localdate()
    genders = ["mujer", "hombre", "no_binario", "", "mujer", "otro"]
    for user in range(1, 25):
        api.record_person_profile(
            user,
            gender=genders[user % len(genders)],
            birth_date=today.replace(year=today.year - 15 - 3 * user),
            ethnic_group="indigena" if user % 4 == 0 else "",
            is_victim=user % 3 == 0 if user % 5 else None,
        )
        schema = town_a if user % 3 else town_b
        events.enroll(schema, user, "datos", at=weeks_ago(user % 7))
        if user % 2:
            events.enroll(schema, user, "control", at=weeks_ago(user % 5))
        if user % 4 == 1:
            events.complete(schema, user, "datos", at=weeks_ago(user % 3))
            with tenants_api.in_locality(schema):
                api.record_certificate(
                    schema, user, course_key="datos", occurred_at=weeks_ago(0)
                )
        if user % 6 == 0:
            events.withdraw(schema, user, "datos", at=weeks_ago(0))
        if user % 8 == 0:  # the same person also studies in the other locality
            other = town_b if schema == town_a else town_a
            events.enroll(other, user, "datos")
    # A revocation, a changed answer and a replayed event.
    with tenants_api.in_locality(town_a):
        api.record_certification_since(town_a, 1, course_key="datos", occurred_at=None)
    api.record_person_profile(2, gender="mujer", birth_date=today.replace(year=1950))
    events.enroll(town_a, 4, "datos", at=weeks_ago(4))


def _on_read(scope: str, today):
    """The same figures counted from every person's rows (the filtered path)."""
    summaries = PersonSummary.objects.filter(schema_name=scope)
    courses = LearnerCourse.objects.all()
    if scope:
        courses = courses.filter(schema_name=scope)
    enrolled, completed, certified = on_read.totals(summaries)
    return {
        "totals": (enrolled, completed, certified),
        "weeks": on_read.weeks(summaries, today),
        "courses": {
            r.key: (r.enrolled, r.completed, r.certified)
            for r in on_read.grouped(courses, "course_key")
        },
        "breakdowns": breakdowns(summaries, today),
        "localities": on_read.locality_counts(
            PersonSummary.objects.exclude(schema_name="")
        )
        if not scope
        else {scope: (enrolled, completed, certified)},
    }


def test_counts_kept_by_events_equal_counting_everyone(events, town_a, town_b):
    _varied(events, town_a, town_b)
    today = timezone.localdate()
    for scope in ("", town_a, town_b):
        kept = read_tallies(scope, today)
        truth = _on_read(scope, today)
        assert kept.totals == truth["totals"]
        assert kept.courses == truth["courses"]
        assert kept.localities == truth["localities"]
        assert kept.breakdowns == truth["breakdowns"]
        assert (
            on_read.week_points(kept.new_enrolled, kept.new_completed, today)
            == truth["weeks"]
        )
    assert read_tallies("", today).totals[0] > 0  # the data is not empty
    # Rebuilding them from everyone's rows (as the recount does) changes nothing.
    with transaction.atomic():
        assert tallies.rebuild_tallies() == 0


def test_recount_repairs_a_count_the_events_missed(events, town_a):
    events.enroll(town_a, 1, "datos")
    with connection.cursor() as cursor:  # a lost event: the count is wrong
        tallies.add_change(cursor, {}, {("", "all", ""): (1, 1, 0, 0)})
    assert read_tallies("", timezone.localdate()).totals == (2, 0, 0)
    with transaction.atomic():
        assert tallies.rebuild_tallies() == 1
    assert read_tallies("", timezone.localdate()).totals == (1, 0, 0)
    assert api.build_city_dashboard().figures.enrolled == 1


def test_cold_build_reads_the_same_queries_at_any_size(
    events, town_a, town_b, django_assert_max_num_queries
):
    """Building without cache costs a fixed number of queries, not one per
    person, course or locality (the budget a cold city page is held to)."""
    for user in range(1, 40):
        events.enroll(town_a if user % 2 else town_b, user, f"curso-{user % 6}")
    # 21: the kept day of the age groups is read (one row) so that they come
    # from a few counted rows instead of summing every date of birth.
    with tenants_api.in_public_schema():
        with django_assert_max_num_queries(21):
            city = api.build_city_dashboard()
        with django_assert_max_num_queries(21):
            api.build_locality_dashboard(town_a)
    assert city.figures.enrolled == 39 and len(city.courses) == 6
