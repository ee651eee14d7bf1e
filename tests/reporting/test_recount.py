"""The nightly recount reads the locality schemas and corrects drift."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db.models.functions import TruncDate
from django.utils import timezone

from lms.learning import api as learning_api
from reporting import api
from reporting.tasks import recount_task
from tenants import api as tenants_api


def _statement(n: int) -> dict:
    return {
        "id": f"00000000-0000-4000-8000-{n:012d}",
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
        "object": {"id": "h5p:quiz"},
    }


def _active_from_schemas(since) -> int:
    """Active people computed directly from each locality's statements."""
    model = apps.get_model("learning", "XapiStatement")
    people = set()
    for schema in tenants_api.locality_schemas():
        with tenants_api.in_locality(schema):
            people |= set(
                model.objects.filter(stored_at__gte=since)
                .annotate(d=TruncDate("stored_at", tzinfo=ZoneInfo("America/Bogota")))
                .values_list("user_id", flat=True)
            )
    return len(people)


def test_events_and_recount_agree_with_the_locality_schemas(events, town_a, town_b):
    n = 0
    for schema, users in ((town_a, [1, 2, 3]), (town_b, [3, 4])):
        for user in users:
            n += 1
            with tenants_api.in_locality(schema):
                learning_api.record_statements(
                    user, [_statement(n)], activity_key="h5p:quiz"
                )
            events.active(schema, user)
    since = timezone.now() - timedelta(days=29)
    assert api.build_city_dashboard().figures.active_30d == _active_from_schemas(since)
    result = api.recount()
    assert result.drift["active_days"] == 0
    assert set(result.unverified) == {"enrolled", "completed"}
    assert api.build_city_dashboard().figures.active_30d == 4


def test_recount_corrects_missed_and_phantom_events(events, town_a, town_b):
    with tenants_api.in_locality(town_a):  # activity whose signal was lost
        learning_api.record_statements(9, [_statement(900)], activity_key="h5p:q")
    events.active(town_b, 8)  # an event with no statement behind it
    assert api.build_city_dashboard().figures.active_30d == 1
    assert recount_task() == {
        "active_days": 2,
        "certified": 0,
        "enrolled": 0,
        "completed": 0,
    }
    board = api.build_city_dashboard()
    assert board.figures.active_30d == 1
    rows = {r.key: r for r in board.localities}
    assert rows[town_a].active_30d == 1 and rows[town_b].active_30d == 0
    assert api.recount().drift["active_days"] == 0  # a second run finds nothing
