"""Fixtures for certificates: a person and a published course in Kennedy.

Every Open Badges credential signed during these tests is checked against the
1EdTech OB 3.0 JSON schema (``conformance.validate_ob3``), whatever the test.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from certificates import api, signing
from courses import api as courses_api
from tenants import api as tenants_api

from .conformance import validate_ob3

_keys = itertools.count()


@pytest.fixture(autouse=True)
def every_badge_meets_the_ob3_schema(monkeypatch):
    """Wrap the signer: each OpenBadgeCredential it returns must pass the schema."""
    sign = signing.sign

    def checked_sign(document, **kwargs):
        signed = sign(document, **kwargs)
        if "OpenBadgeCredential" in signed.get("type", []):
            validate_ob3(signed)
        return signed

    monkeypatch.setattr(signing, "sign", checked_sign)


@pytest.fixture
def course_a(in_town_a):
    """A course published in Kennedy (unique key per test)."""
    return courses_api.create_course(
        "Presupuestos participativos",
        key=f"presupuestos-{next(_keys)}",
        estimated_hours=12.5,
    )


@pytest.fixture
def holder(make_person):
    person = make_person(first_name="Ana María", last_name="Pérez Gómez")
    # The accounts issue adds document fields; set them when they exist.
    if hasattr(person, "document_number"):
        person.document_type, person.document_number = "CC", "1012345678"
        with tenants_api.in_public_schema():
            person.save(update_fields=["document_type", "document_number"])
    return person


@pytest.fixture
def certificate(course_a, holder):
    return api.issue_certificate(
        holder.pk,
        course_key=course_a.key,
        course_version=course_a.version,
        completed_at=datetime(2026, 11, 20, 15, 0, tzinfo=UTC),
    )
