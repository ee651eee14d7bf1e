"""xAPI's rule for "the same statement" (Data 2.3.1, Statement Comparison
Requirements): what an LRS may change is ignored, everything else counts."""

from __future__ import annotations

import pytest

from lms.learning.statement_match import same_statement

BASE = {
    "id": "0b9bc1b2-7c5c-4b47-9a59-0d3f1f6c2a10",
    "actor": {"mbox": "mailto:Ana@Example.ORG", "objectType": "Agent"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
    "object": {
        "id": "http://kennedy.test/h5p/x/",
        "definition": {"name": {"es": "Pregunta"}},
    },
    "result": {"score": {"raw": 1, "max": 1}, "duration": "PT1M"},
    "context": {
        "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
        "contextActivities": {"parent": [{"id": "http://kennedy.test/curso/"}]},
    },
    "timestamp": "2026-03-01T10:00:00-05:00",
}


@pytest.mark.parametrize(
    "change",
    [
        {"stored": "2026-03-01T15:00:01Z"},
        {"authority": {"mbox": "mailto:lrs@example.org"}},
        {"version": "1.0.3"},
        {"id": "0B9BC1B2-7C5C-4B47-9A59-0D3F1F6C2A10"},
        {"timestamp": "2026-03-01T15:00:00.000Z"},
        {"verb": {"id": BASE["verb"]["id"], "display": {"es": "respondió"}}},
        {"object": {"id": BASE["object"]["id"], "definition": {"name": {"en": "Q"}}}},
        {"actor": {"mbox": "mailto:Ana@example.org", "objectType": "Agent"}},
        {
            "context": BASE["context"]
            | {"registration": "EC531277-B57B-4C15-8D91-D292C5B2B8F7"}
        },
        {
            "context": BASE["context"]
            | {"contextActivities": {"parent": {"id": "http://kennedy.test/curso/"}}}
        },
    ],
)
def test_differences_an_lrs_may_cause_are_ignored(change):
    assert same_statement(BASE, BASE | change)


def test_a_timestamp_missing_on_one_side_may_have_been_set_by_the_lrs():
    without = {k: v for k, v in BASE.items() if k != "timestamp"}
    assert same_statement(without, BASE)


def test_group_members_are_an_unordered_list():
    a = {
        "objectType": "Group",
        "member": [{"mbox": "mailto:a@x.co"}, {"mbox": "mailto:b@x.co"}],
    }
    b = {
        "objectType": "Group",
        "member": [{"mbox": "mailto:b@x.co"}, {"mbox": "mailto:a@x.co"}],
    }
    assert same_statement(BASE | {"actor": a}, BASE | {"actor": b})


@pytest.mark.parametrize(
    "change",
    [
        {"result": {"score": {"raw": 0, "max": 1}, "duration": "PT1M"}},
        {"result": {"score": {"raw": 1, "max": 1}, "duration": "PT60S"}},
        {"verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}},
        {"object": {"id": "http://kennedy.test/h5p/otra/"}},
        {"actor": {"mbox": "mailto:ana@Example.ORG", "objectType": "Agent"}},
        {"timestamp": "2026-03-01T10:00:01-05:00"},
        {"context": BASE["context"] | {"language": "es"}},
    ],
)
def test_any_other_difference_is_a_conflict(change):
    assert not same_statement(BASE, BASE | change)
