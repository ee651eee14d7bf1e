"""Status-list indexes: random within the list, never shared, kept once given."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from itertools import pairwise

from django.apps import apps as django_apps

from certificates import api, status
from certificates.models import Certificate

COMPLETED = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def _index(certificate, person) -> int:
    credential = api.certificate_credential(certificate.uuid, user_id=person.pk)
    return int(credential["credentialStatus"]["statusListIndex"])


def _issue(person, course):
    return api.issue_certificate(
        person.pk,
        course_key=course.key,
        course_version=course.version,
        completed_at=COMPLETED,
    )


def test_indexes_are_random_unique_and_not_the_row_id(course_a, make_person):
    people = [make_person() for _ in range(6)]
    issued = [_issue(person, course_a) for person in people]

    indexes = [
        _index(cert, person) for cert, person in zip(issued, people, strict=True)
    ]

    assert len(set(indexes)) == len(indexes)
    assert indexes != [cert.certificate_id for cert in issued]
    gaps = {b - a for a, b in pairwise(indexes)}
    assert gaps != {1}, indexes  # not counting up
    assert all(0 <= index < 131_072 for index in indexes)


def test_reissue_keeps_the_index(certificate, holder):
    before = _index(certificate, holder)

    api.reissue_certificate(certificate.code, reason="Corrección de plantilla")

    assert _index(certificate, holder) == before


def test_a_taken_index_is_drawn_again(course_a, make_person, monkeypatch):
    first_person = make_person()
    first = _issue(first_person, course_a)
    taken = _index(first, first_person)
    draws = iter([taken, taken, 4242])
    monkeypatch.setattr(status.secrets, "randbelow", lambda size: next(draws))

    second_person = make_person()
    second = _issue(second_person, course_a)

    assert _index(second, second_person) == 4242


def test_migration_gives_an_unindexed_certificate_its_id(certificate):
    migration = importlib.import_module(
        "certificates.migrations.0003_random_status_index"
    )
    Certificate.objects.filter(pk=certificate.certificate_id).update(status_index=None)

    migration.keep_id_based_indexes(django_apps, None)

    row = Certificate.objects.get(pk=certificate.certificate_id)
    assert row.status_index == certificate.certificate_id
